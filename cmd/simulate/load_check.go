package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"fmt"
	"path/filepath"
	"time"

	"github.com/glebarez/sqlite"
	gomysql "github.com/go-sql-driver/mysql"
	"github.com/redis/go-redis/v9"
	"gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// caseCheck compares the cases in the database with what residents were
// told.
type caseCheck struct {
	confirmed  int // residents who sent 确认
	numbered   int // residents told a case number
	cases      int // cases in the database
	duplicates int // residents with more than one case
	lost       int // residents told a number without that case in the database
	stray      int // cases of residents who never confirmed
}

func (c caseCheck) ok() bool {
	return c.duplicates == 0 && c.lost == 0 && c.stray == 0 && c.cases == c.numbered
}

// createDatabase creates name on the server of dsn and returns its DSN and
// a function that drops it.
func createDatabase(ctx context.Context, dsn, name string) (string, func(), error) {
	cfg, err := gomysql.ParseDSN(dsn)
	if err != nil {
		return "", nil, fmt.Errorf("load: -mysql: %w", err)
	}
	admin, err := sql.Open("mysql", dsn)
	if err != nil {
		return "", nil, fmt.Errorf("load: -mysql: %w", err)
	}
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name+" CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		_ = admin.Close()
		return "", nil, fmt.Errorf("load: create database: %w", err)
	}
	drop := func() {
		_, _ = admin.Exec("DROP DATABASE " + name)
		_ = admin.Close()
	}
	cfg.DBName = name
	return cfg.FormatDSN(), drop, nil
}

// cleanRedis deletes the keys of this run (every key naming a resident or
// baseline of the run carries its ID).
func cleanRedis(addr string, db int, run string) {
	rdb := redis.NewClient(&redis.Options{Addr: addr, DB: db})
	defer rdb.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	it := rdb.Scan(ctx, 0, "*"+run+"*", 1000).Iterator()
	var keys []string
	for it.Next(ctx) {
		keys = append(keys, it.Val())
		if len(keys) == 500 {
			_ = rdb.Del(ctx, keys...).Err()
			keys = keys[:0]
		}
	}
	if len(keys) > 0 {
		_ = rdb.Del(ctx, keys...).Err()
	}
}

// checkCases reads every case of the run's database (the server has
// stopped) and compares them with the residents' confirmations.
func checkCases(ctx context.Context, b backend, f *filings) (caseCheck, error) {
	var d gorm.Dialector = sqlite.Open(filepath.Join(b.dir, "tapline.db"))
	if b.mysqlDSN != "" {
		d = mysql.Open(b.mysqlDSN)
	}
	db, err := gorm.Open(d, &gorm.Config{Logger: logger.Discard})
	if err != nil {
		return caseCheck{}, fmt.Errorf("load: check cases: %w", err)
	}
	if sqlDB, err := db.DB(); err == nil {
		defer sqlDB.Close()
	}
	var rows []struct{ ResidentID, Number string }
	if err := db.WithContext(ctx).Table("cases").Select("resident_id, number").Scan(&rows).Error; err != nil {
		return caseCheck{}, fmt.Errorf("load: check cases: %w", err)
	}
	return compareCases(rows, f), nil
}

func compareCases(rows []struct{ ResidentID, Number string }, f *filings) caseCheck {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := caseCheck{confirmed: len(f.confirmed), numbered: len(f.numbers), cases: len(rows)}
	byResident := map[string][]string{}
	for _, r := range rows {
		byResident[r.ResidentID] = append(byResident[r.ResidentID], r.Number)
		if !f.confirmed[r.ResidentID] {
			c.stray++
		}
	}
	for _, nums := range byResident {
		c.duplicates += len(nums) - 1
	}
	for id, n := range f.numbers {
		if got := byResident[id]; len(got) != 1 || got[0] != n {
			c.lost++
		}
	}
	return c
}

// aesKey43 returns a random 43-character EncodingAESKey.
func aesKey43() string {
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	return base64.StdEncoding.EncodeToString(key)[:43]
}
