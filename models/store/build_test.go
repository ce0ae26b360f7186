package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"tapline/models"
)

func TestCreateCaseBuildOutbox(t *testing.T) {
	db, _ := openClocked(t)
	ctx := context.Background()
	calls := 0
	build := func(c *models.Case) ([]models.Outbox, error) {
		calls++
		if c.ID == 0 || c.Number == "" {
			t.Errorf("builder saw case without ID or number: %+v", c)
		}
		return []models.Outbox{{Channel: models.ChannelSink, Target: "quality", Kind: "card", Payload: `{"number":"` + c.Number + `"}`}}, nil
	}
	nc := newCase("build-1", 1)
	nc.BuildOutbox = build
	c := mustCreate(t, db, nc)
	if calls != 1 || len(nc.Outbox) != 2 || nc.Outbox[1].Payload != `{"number":"`+c.Number+`"}` {
		t.Fatalf("builder calls %d, outbox %+v", calls, nc.Outbox)
	}
	for _, o := range nc.Outbox {
		stored, err := db.FindOutbox(ctx, o.ID)
		if err != nil || stored.CaseID != c.ID || stored.Status != models.OutboxPending {
			t.Fatalf("outbox row %d = %+v, %v", o.ID, stored, err)
		}
	}
	again := newCase("build-1", 1)
	again.BuildOutbox = build
	if _, created, err := db.CreateCase(ctx, again); err != nil || created || calls != 1 {
		t.Fatalf("repeat filing: created %v, %v, builder calls %d", created, err, calls)
	}
}

func TestCreateCaseBuildOutboxError(t *testing.T) {
	db, _ := openClocked(t)
	ctx := context.Background()
	boom := errors.New("boom")
	nc := newCase("build-err", 1)
	nc.BuildOutbox = func(*models.Case) ([]models.Outbox, error) { return nil, boom }
	if _, _, err := db.CreateCase(ctx, nc); !errors.Is(err, boom) {
		t.Fatalf("CreateCase error = %v, want the builder's", err)
	}
	if _, total, _ := db.FindCases(ctx, models.CaseFilter{}); total != 0 {
		t.Fatalf("%d cases written by a failed filing", total)
	}
	// The failed filing burnt its number: gaps are allowed, reuse is not.
	if c := mustCreate(t, db, newCase("build-ok", 0)); c.Number != "TS20261127-0002" {
		t.Fatalf("number after a rolled-back filing = %s, want TS20261127-0002", c.Number)
	}
}

func TestAddOutbox(t *testing.T) {
	db, _ := openClocked(t)
	ctx := context.Background()
	later := t0.Add(time.Hour).Truncate(time.Millisecond)
	rows := []*models.Outbox{
		{Channel: models.ChannelWeChatCS, Target: "o-1", Kind: "text", Payload: "{}"},
		{Channel: models.ChannelWeChatCS, Target: "o-2", Kind: "text", Payload: "{}", NextAt: later},
	}
	if err := db.AddOutbox(ctx, rows); err != nil {
		t.Fatal(err)
	}
	want := []time.Time{t0.Truncate(time.Millisecond), later}
	for i, r := range rows {
		got, err := db.FindOutbox(ctx, r.ID)
		if err != nil || r.ID == 0 || got.Status != models.OutboxPending || !got.NextAt.Equal(want[i]) || got.CaseID != 0 {
			t.Fatalf("row %d = %+v, %v", i, got, err)
		}
	}
	wantCode(t, db.AddOutbox(ctx, []*models.Outbox{nil}), models.EINVALID)
	if err := db.AddOutbox(ctx, nil); err != nil {
		t.Fatalf("AddOutbox(nil) = %v", err)
	}
}

// TestSupplementCaseVersionConflict injects a concurrent version bump into
// the transaction right before the guarded UPDATE, on both backends.
func TestSupplementCaseVersionConflict(t *testing.T) {
	tests := []struct {
		name        string
		conflicts   int
		wantCode    string
		wantVersion int
	}{
		{"one conflict is retried", 1, "", 2},
		{"endless conflicts give ECONFLICT", 1 << 20, models.ECONFLICT, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, _ := openClocked(t)
			ctx := context.Background()
			c := mustCreate(t, db, newCase("conflict", 0))
			injected := 0
			err := db.Gorm().Callback().Update().Before("gorm:update").Register("test:conflict", func(tx *gorm.DB) {
				if tx.Statement.Table == "cases" && injected < tt.conflicts {
					injected++
					_, err := tx.Statement.ConnPool.ExecContext(tx.Statement.Context, "UPDATE cases SET version = version + 1")
					if err != nil {
						t.Errorf("inject: %v", err)
					}
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			_, err = db.SupplementCase(ctx, c.Number, &models.Case{Name: "赵六"}, models.CaseEvent{}, nil)
			wantCode(t, err, tt.wantCode)
			got, _ := db.FindCaseByNumber(ctx, c.Number)
			events, _ := db.CaseEvents(ctx, c.ID)
			// A conflicting attempt rolls back, the injected bump with it.
			if got.Version != tt.wantVersion || len(events) != tt.wantVersion || injected < 1 {
				t.Fatalf("after %d conflicts: version %d, %d events", injected, got.Version, len(events))
			}
		})
	}
}
