package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaultsAreEmbedded(t *testing.T) {
	c, err := Load("", env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Embedded() || c.HTTPAddr != ":8080" || c.Role != RoleAll || c.WeChat.Window != 5*time.Minute {
		t.Fatalf("defaults: %+v", c)
	}
}

func TestFileThenEnv(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yaml")
	doc := "http_addr: :9000\nwechat:\n  token: fromfile\n  app_id: wx1\n"
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path, env(map[string]string{
		"TAPLINE_WECHAT_TOKEN": "fromenv", "HTTP_ADDR": ":7000", "TAPLINE_HTTP_ADDR": ":7001",
		"TAPLINE_WECHAT_TIMESTAMP_WINDOW": "90s", "TAPLINE_REDIS_DB": "3",
		"TAPLINE_TRUSTED_PROXIES": "10.0.0.5, 10.1.0.0/16",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if p := c.TrustedProxyList(); len(p) != 2 || p[0] != "10.0.0.5" || p[1] != "10.1.0.0/16" {
		t.Fatalf("trusted_proxies %q", p)
	}
	if c.WeChat.Token != "fromenv" || c.HTTPAddr != ":7001" || c.WeChat.Window != 90*time.Second || c.RedisDB != 3 {
		t.Fatalf("got %+v", c)
	}
	c, err = Load(path, env(map[string]string{"HTTP_ADDR": ":7000", "MYSQL_DSN": "x", "REDIS_ADDR": "y", "TAPLINE_ADMIN_TOKEN": "0123456789abcdef"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPAddr != ":7000" || c.MySQLDSN != "x" || c.RedisAddr != "y" || c.Embedded() {
		t.Fatalf("short forms: %+v", c)
	}
}

func TestErrorsNameTheKey(t *testing.T) {
	good := "Z2Fzc3NzYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWE" // 43 chars
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"TAPLINE_ROLE": "boss"}, "role:"},
		{map[string]string{"MYSQL_DSN": "x"}, "mysql_dsn and redis_addr"},
		{map[string]string{"MYSQL_DSN": "x", "REDIS_ADDR": "y"}, "admin_token: required"},
		{map[string]string{"MYSQL_DSN": "x", "REDIS_ADDR": "y", "TAPLINE_ADMIN_TOKEN": "0123456789abcdef"}, "wechat.token: required"},
		{map[string]string{"TAPLINE_WECHAT_ENCODING_AES_KEY": "short"}, "wechat.encoding_aes_key"},
		{map[string]string{"TAPLINE_WECHAT_ENCODING_AES_KEY": good}, "wechat.app_id: required"},
		{map[string]string{"TAPLINE_WECHAT_API_BASE": "ftp://x"}, "wechat.api_base"},
		{map[string]string{"TAPLINE_WECOM_SECRET": "s"}, "wecom.corp_id and wecom.agent_id"},
		{map[string]string{"TAPLINE_WECOM_BOT_TOKEN": "t"}, "wecom_bot.token and wecom_bot.encoding_aes_key"},
		{map[string]string{"TAPLINE_DINGTALK_APP_KEY": "k"}, "dingtalk.app_key and dingtalk.app_secret"},
		{map[string]string{"TAPLINE_WECHAT_TIMESTAMP_WINDOW": "soon"}, "wechat.timestamp_window"},
		{map[string]string{"TAPLINE_ADMIN_TOKEN": "short"}, "admin_token: at least 16"},
		{map[string]string{"TAPLINE_WECHAT_MODE": "safe"}, "wechat.mode"},
		{map[string]string{"TAPLINE_WECHAT_MODE": "plain", "TAPLINE_WECHAT_APP_ID": "wx1", "TAPLINE_WECHAT_ENCODING_AES_KEY": good}, "wechat.mode"},
		{map[string]string{"TAPLINE_WECHAT_MODE": "both"}, "wechat.mode"},
		{map[string]string{"TAPLINE_TRUSTED_PROXIES": "10.0.0.1, proxy.example"}, "trusted_proxies"},
		{map[string]string{"TAPLINE_DINGTALK_AES_KEY": good}, "dingtalk.token and dingtalk.aes_key"},
		{map[string]string{"TAPLINE_HTTP_WRITE_TIMEOUT": "5s"}, "http_write_timeout"},
		{map[string]string{"TAPLINE_METRICS_ADDR": "9464"}, "metrics_addr"},
		{map[string]string{"TAPLINE_METRICS_TOKEN": "short"}, "metrics_token"},
		{map[string]string{"TAPLINE_HTTP_READ_TIMEOUT": "-1s"}, "http_read_timeout"},
		{map[string]string{"TAPLINE_HTTP_IDLE_TIMEOUT": "0s"}, "http_idle_timeout"},
		{map[string]string{"TAPLINE_DINGTALK_AES_KEY": "short", "TAPLINE_DINGTALK_TOKEN": "t"}, "dingtalk.aes_key"},
		{map[string]string{"TAPLINE_DINGTALK_AES_KEY": good, "TAPLINE_DINGTALK_TOKEN": "t"}, "dingtalk.app_key: required"},
	}
	for _, tt := range tests {
		_, err := Load("", env(tt.env))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("env %v: err = %v, want %q", tt.env, err, tt.want)
		}
	}
}

func TestUnknownFileKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(path, []byte("wechat:\n  tokn: x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path, env(nil)); err == nil || !strings.Contains(err.Error(), "tokn") {
		t.Fatalf("err = %v", err)
	}
}

func TestExampleDocumentsEveryKey(t *testing.T) {
	c, err := Load("../../../configs/config.example.yaml", env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.WeChat.Window != 5*time.Minute || c.HTTPAddr != ":8080" {
		t.Fatalf("example: %+v", c)
	}
	b, err := os.ReadFile("../../../configs/config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	err = walk(reflectValue(&c), "", func(path string, _ reflectV) error {
		parts := strings.Split(path, ".")
		if !strings.Contains(string(b), parts[len(parts)-1]+":") {
			t.Errorf("key %s not documented in config.example.yaml", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestOutboxKeys(t *testing.T) {
	tests := []struct {
		name, key, value, wantErr string
	}{
		{"short lease", "TAPLINE_OUTBOX_LEASE", "1s", "outbox.lease"},
		{"zero budget", "TAPLINE_OUTBOX_BUDGET", "0", "outbox.budget"},
		{"bad backoff", "TAPLINE_OUTBOX_BACKOFF", "10s,soon", "outbox.backoff"},
		{"negative backoff", "TAPLINE_OUTBOX_BACKOFF", "-1s", "outbox.backoff"},
		{"zero reconcile", "TAPLINE_OUTBOX_RECONCILE_INTERVAL", "0s", "outbox.reconcile_interval"},
		{"ok", "TAPLINE_OUTBOX_BACKOFF", "200ms, 1s", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load("", env(map[string]string{tt.key: tt.value}))
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if w, _ := c.Outbox.BackoffWaits(); len(w) != 2 || w[0] != 200*time.Millisecond || w[1] != time.Second {
					t.Fatalf("waits %v", w)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %s", err, tt.wantErr)
			}
		})
	}
}
