// Package storetest opens a fresh store for tests: a new MariaDB/MySQL
// database when TAPLINE_TEST_MYSQL_DSN is set, else a SQLite file in the
// test's temporary directory. Either way it is removed when the test ends.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	gomysql "github.com/go-sql-driver/mysql"

	"tapline/models/store"
)

// EnvMySQLDSN names the variable holding the MySQL server DSN for tests,
// e.g. root@tcp(127.0.0.1:3306)/test?charset=utf8mb4&parseTime=true&loc=UTC.
const EnvMySQLDSN = "TAPLINE_TEST_MYSQL_DSN"

// setupTimeout bounds creating and dropping a test database.
const setupTimeout = 30 * time.Second

// Backend returns "mysql" when tests run on MySQL, else "sqlite".
func Backend() string {
	if os.Getenv(EnvMySQLDSN) != "" {
		return store.DialectMySQL
	}
	return store.DialectSQLite
}

// Open returns a store on a fresh, empty database, closed and removed in
// tb.Cleanup. It fails the test when the database cannot be set up.
func Open(tb testing.TB) *store.DB {
	tb.Helper()
	return OpenConfig(tb, store.Config{})
}

// OpenConfig is Open with cfg's Location, Now, Logger and MaxOpenConns; its
// MySQLDSN and SQLitePath are replaced by the fresh database.
func OpenConfig(tb testing.TB, cfg store.Config) *store.DB {
	tb.Helper()
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	cfg.MySQLDSN, cfg.SQLitePath = "", ""
	if dsn := os.Getenv(EnvMySQLDSN); dsn != "" {
		cfg.MySQLDSN = createMySQL(tb, dsn)
	} else {
		cfg.SQLitePath = filepath.Join(tb.TempDir(), "tapline.db")
	}
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	db, err := store.Open(ctx, cfg)
	if err != nil {
		tb.Fatalf("storetest: open %s store: %v", Backend(), err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("storetest: close: %v", err)
		}
	})
	return db
}

// createMySQL creates a uniquely named utf8mb4 database on the server of
// serverDSN, dropped in tb.Cleanup, and returns the DSN that selects it.
func createMySQL(tb testing.TB, serverDSN string) string {
	tb.Helper()
	cfg, err := gomysql.ParseDSN(serverDSN)
	if err != nil {
		tb.Fatalf("storetest: parse %s: %v", EnvMySQLDSN, err)
	}
	admin, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		tb.Fatalf("storetest: connect mysql: %v", err)
	}
	name := "tapline_t_" + randomHex(6)
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	_, err = admin.ExecContext(ctx, "CREATE DATABASE "+name+" CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
	if err != nil {
		_ = admin.Close()
		tb.Fatalf("storetest: create database on %s: %v", cfg.Addr, err)
	}
	// Registered before the store's Close, so it runs after it.
	tb.Cleanup(func() { dropMySQL(tb, admin, name) })
	cfg.DBName = name
	return cfg.FormatDSN()
}

// dropMySQL removes a test database and closes the admin connection.
func dropMySQL(tb testing.TB, admin *sql.DB, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name); err != nil {
		tb.Errorf("storetest: drop database %s: %v", name, err)
	}
	_ = admin.Close()
}

// randomHex returns n random bytes as hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
