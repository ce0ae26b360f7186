package config

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// shortEnv maps the short environment names to key paths.
var shortEnv = map[string]string{"MYSQL_DSN": "mysql_dsn", "REDIS_ADDR": "redis_addr", "HTTP_ADDR": "http_addr"}

// applyEnv sets every key whose TAPLINE_ variable (or short form) is set.
func applyEnv(c *Config, getenv func(string) string) error {
	return walk(reflect.ValueOf(c).Elem(), "", func(path string, f reflect.Value) error {
		name := "TAPLINE_" + strings.ToUpper(strings.ReplaceAll(path, ".", "_"))
		v := getenv(name)
		for short, p := range shortEnv {
			if p == path && getenv(short) != "" && v == "" {
				name, v = short, getenv(short)
			}
		}
		if v == "" {
			return nil
		}
		if err := setValue(f, v); err != nil {
			return fmt.Errorf("config: %s (%s): %w", path, name, err)
		}
		return nil
	})
}

// walk calls fn for every leaf field with its dotted yaml key path.
func walk(v reflect.Value, prefix string, fn func(string, reflect.Value) error) error {
	t := v.Type()
	for i := range t.NumField() {
		key := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
		if prefix != "" {
			key = prefix + "." + key
		}
		f := v.Field(i)
		if f.Kind() == reflect.Struct {
			if err := walk(f, key, fn); err != nil {
				return err
			}
			continue
		}
		if err := fn(key, f); err != nil {
			return err
		}
	}
	return nil
}

func setValue(f reflect.Value, s string) error {
	switch {
	case f.Type() == reflect.TypeOf(time.Duration(0)):
		d, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("not a duration: %q", s)
		}
		f.SetInt(int64(d))
	case f.Kind() == reflect.Int:
		n, err := strconv.Atoi(s)
		if err != nil {
			return fmt.Errorf("not a number: %q", s)
		}
		f.SetInt(int64(n))
	default:
		f.SetString(s)
	}
	return nil
}
