package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tapline/models"
	"tapline/models/store"
	"tapline/models/store/storetest"
)

func TestOpenDialect(t *testing.T) {
	db := storetest.Open(t)
	if got := db.Dialect(); got != storetest.Backend() {
		t.Fatalf("Dialect() = %q, want %q", got, storetest.Backend())
	}
	if err := db.Ping(context.Background()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	// Migrating an up-to-date schema again (a second process starting) is a no-op.
	for range 2 {
		if err := db.Migrate(context.Background()); err != nil {
			t.Fatalf("Migrate again: %v", err)
		}
	}
	t.Logf("backend %s", storetest.Backend())
}

func TestOpenErrors(t *testing.T) {
	tests := []struct {
		name     string
		cfg      store.Config
		wantCode string
		wantText string
	}{
		{"nothing configured", store.Config{}, models.EINVALID, "neither"},
		{"bad dsn", store.Config{MySQLDSN: "not a dsn"}, models.EINVALID, "invalid MySQL DSN"},
		{"mysql unreachable", store.Config{MySQLDSN: "root@tcp(127.0.0.1:1)/test"}, models.EUNAVAILABLE, "mysql"},
		{"sqlite unwritable", store.Config{SQLitePath: "/proc/tapline/nope.db"}, models.EUNAVAILABLE, "sqlite"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			db, err := store.Open(ctx, tt.cfg)
			if err == nil {
				_ = db.Close()
				t.Fatal("Open succeeded, want an error")
			}
			wantCode(t, err, tt.wantCode)
			t.Logf("Open error: %v", err)
			if !strings.Contains(err.Error(), tt.wantText) {
				t.Fatalf("error %q does not mention %q", err, tt.wantText)
			}
		})
	}
}

func TestMySQLWinsOverSQLite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "unused.db")
	_, err := store.Open(context.Background(), store.Config{
		MySQLDSN: "root@tcp(127.0.0.1:1)/test", SQLitePath: path,
	})
	wantCode(t, err, models.EUNAVAILABLE)
	if !strings.Contains(err.Error(), "mysql") {
		t.Fatalf("error %q should come from mysql", err)
	}
}

func TestClosedStoreIsUnavailable(t *testing.T) {
	db := storetest.Open(t)
	c := mustCreate(t, db, newCase("closed-1", 1))
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	ctx := context.Background()
	calls := map[string]func() error{
		"Ping":             func() error { return db.Ping(ctx) },
		"FindCaseByNumber": func() error { _, err := db.FindCaseByNumber(ctx, c.Number); return err },
		"CreateCase":       func() error { _, _, err := db.CreateCase(ctx, newCase("closed-2", 1)); return err },
		"FindCases":        func() error { _, _, err := db.FindCases(ctx, models.CaseFilter{}); return err },
		"ClaimOutbox":      func() error { _, err := db.ClaimOutbox(ctx, 1, time.Now(), time.Minute); return err },
		"RecordAttempt": func() error {
			return db.RecordAttempt(ctx, &models.DeliveryAttempt{OutboxID: 1, OK: true}, nil)
		},
		"SaveResident": func() error { return db.SaveResident(ctx, &models.Resident{OpenID: "x"}) },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			err := call()
			wantCode(t, err, models.EUNAVAILABLE)
			var appErr *models.Error
			if !errors.As(err, &appErr) {
				t.Fatalf("errors.As(*models.Error) failed on %v", err)
			}
		})
	}
}

func TestCanceledContextIsUnavailable(t *testing.T) {
	db := storetest.Open(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := db.CreateCase(ctx, newCase("cancel-1", 0))
	wantCode(t, err, models.EUNAVAILABLE)
	_, err = db.FindCaseByNumber(ctx, "TS20261127-0001")
	wantCode(t, err, models.EUNAVAILABLE)
}

// TestMigrateDropsRetiredIndexes: the single-column case_id indexes an
// earlier version made, now covered by wider ones, go on the next start;
// a second migrate finds nothing to drop.
func TestMigrateDropsRetiredIndexes(t *testing.T) {
	db := storetest.Open(t)
	m := db.Gorm().Migrator()
	for _, ix := range []struct {
		model any
		table string
		name  string
	}{{&models.CaseEvent{}, "case_events", "idx_case_events_case_id"}, {&models.Deadline{}, "deadlines", "idx_deadlines_case_id"}} {
		if err := db.Gorm().Exec("CREATE INDEX " + ix.name + " ON " + ix.table + " (case_id)").Error; err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if err := db.Migrate(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		if m.HasIndex(ix.model, ix.name) {
			t.Errorf("%s is still there after migrate", ix.name)
		}
	}
	if !m.HasIndex(&models.CaseEvent{}, "idx_case_events_case_type") || !m.HasIndex(&models.Deadline{}, "idx_deadline_case_stage") {
		t.Error("the covering indexes are missing")
	}
}
