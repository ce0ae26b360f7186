package store_test

import (
	"context"
	"testing"
	"time"

	"tapline/models"
	"tapline/models/store"
)

// A number found taken (here: the counter set back by hand) is skipped, and
// the filing succeeds with the next free one: the unique index is the guard.
func TestCreateCaseSkipsTakenNumber(t *testing.T) {
	db, _ := openClocked(t)
	first := mustCreate(t, db, newCase("taken-1", 1))
	if err := db.Gorm().Exec("UPDATE case_counters SET seq = 0").Error; err != nil {
		t.Fatal(err)
	}
	nc := newCase("taken-2", 1)
	c := mustCreate(t, db, nc)
	if first.Number != "TS20261127-0001" || c.Number != "TS20261127-0002" {
		t.Fatalf("numbers = %s, %s; want TS20261127-0001, TS20261127-0002", first.Number, c.Number)
	}
	if nc.Outbox[0].ID == 0 || nc.Event.CaseID != c.ID {
		t.Fatalf("the retried filing lost its children: %+v", nc)
	}
	if _, total, err := db.FindCases(context.Background(), models.CaseFilter{}); err != nil || total != 2 {
		t.Fatalf("cases = %d, %v; want 2", total, err)
	}
}

// The counter row is not locked while a filing's transaction runs: another
// filing completes from inside the first one's transaction (MySQL; SQLite
// has one connection and one writer by design).
func TestCreateCaseDoesNotHoldCounter(t *testing.T) {
	db, _ := openClocked(t)
	if db.Dialect() != store.DialectMySQL {
		t.Skip("SQLite serialises every write on its one connection")
	}
	mustCreate(t, db, newCase("hold-0", 0)) // the day's counter row exists
	var inner *models.Case
	var innerErr error
	nc := newCase("hold-outer", 0)
	nc.BuildOutbox = func(*models.Case) ([]models.Outbox, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		inner, _, innerErr = db.CreateCase(ctx, newCase("hold-inner", 0))
		return nil, nil
	}
	outer := mustCreate(t, db, nc)
	if innerErr != nil {
		t.Fatalf("a filing inside another's transaction: %v (the counter is locked)", innerErr)
	}
	if outer.Number != "TS20261127-0002" || inner.Number != "TS20261127-0003" {
		t.Fatalf("numbers = outer %s, inner %s", outer.Number, inner.Number)
	}
}
