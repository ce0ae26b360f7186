package store_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"tapline/models"
	"tapline/models/store"
)

// oneRow files a case with one outbox row due at t0 and returns the row ID.
func oneRow(t *testing.T, db *store.DB, key string) uint64 {
	t.Helper()
	nc := newCase(key, 1)
	mustCreate(t, db, nc)
	return nc.Outbox[0].ID
}

func TestClaimOutboxRace(t *testing.T) {
	db, _ := openClocked(t)
	id := oneRow(t, db, "claim-race")
	const n = 24
	var wg sync.WaitGroup
	var mu sync.Mutex
	winners := 0
	for range n {
		wg.Go(func() {
			o, err := db.ClaimOutbox(context.Background(), id, t0, time.Minute)
			mu.Lock()
			defer mu.Unlock()
			switch models.ErrorCode(err) {
			case "":
				winners++
				if o.ID != id || !o.NextAt.Equal(t0.Add(time.Minute).Truncate(time.Millisecond)) {
					t.Errorf("claimed row = %+v", o)
				}
			case models.ECONFLICT:
			default:
				t.Errorf("ClaimOutbox: %v", err)
			}
		})
	}
	wg.Wait()
	if winners != 1 {
		t.Fatalf("%d claimers won, want exactly 1", winners)
	}
}

func TestClaimOutboxLease(t *testing.T) {
	db, _ := openClocked(t)
	ctx := context.Background()
	id := oneRow(t, db, "lease")
	steps := []struct {
		at       time.Duration // after t0
		wantCode string
		wantDue  bool // DueOutbox lists the row before the claim
	}{
		{0, "", true},
		{30 * time.Second, models.ECONFLICT, false}, // leased until t0+1m
		{time.Minute - time.Millisecond, models.ECONFLICT, false},
		{time.Minute, "", true}, // the worker crashed: lease expired
		{time.Minute + time.Second, models.ECONFLICT, false},
	}
	for _, s := range steps {
		now := t0.Add(s.at)
		due, err := db.DueOutbox(ctx, now, 0)
		if err != nil || slices.Contains(due, id) != s.wantDue {
			t.Fatalf("at +%v DueOutbox = %v, %v; want due %v", s.at, due, err, s.wantDue)
		}
		_, err = db.ClaimOutbox(ctx, id, now, time.Minute)
		if got := models.ErrorCode(err); got != s.wantCode {
			t.Fatalf("at +%v claim code = %q, want %q (%v)", s.at, got, s.wantCode, err)
		}
	}
}

func TestRecordAttemptTransitions(t *testing.T) {
	retry := t0.Add(5 * time.Minute)
	tests := []struct {
		name       string
		ok         bool
		retryAt    *time.Time
		wantStatus string
	}{
		{"failure with retry stays pending", false, &retry, models.OutboxPending},
		{"failure without retry fails", false, nil, models.OutboxFailed},
		{"success is sent", true, nil, models.OutboxSent},
		{"success ignores retryAt", true, &retry, models.OutboxSent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, _ := openClocked(t)
			ctx := context.Background()
			id := oneRow(t, db, "attempt")
			a := &models.DeliveryAttempt{OutboxID: id, OK: tt.ok, Status: 502, Error: "bad gateway"}
			if err := db.RecordAttempt(ctx, a, tt.retryAt); err != nil {
				t.Fatal(err)
			}
			o, _ := db.FindOutbox(ctx, id)
			if o.Status != tt.wantStatus || o.Attempts != 1 || o.LastError != "bad gateway" {
				t.Fatalf("row after attempt = %+v", o)
			}
			if tt.ok != (o.SentAt != nil) || (tt.ok && !o.SentAt.Equal(a.At)) {
				t.Fatalf("SentAt = %v, want set only on success (at %v)", o.SentAt, a.At)
			}
			if tt.wantStatus == models.OutboxPending && !o.NextAt.Equal(retry.Truncate(time.Millisecond)) {
				t.Fatalf("NextAt = %v, want %v", o.NextAt, retry)
			}
			second := db.RecordAttempt(ctx, &models.DeliveryAttempt{OutboxID: id, OK: true}, nil)
			list, _ := db.Attempts(ctx, id)
			if tt.wantStatus == models.OutboxPending {
				if second != nil || len(list) != 2 {
					t.Fatalf("second attempt on pending row: %v, %d attempts", second, len(list))
				}
				return
			}
			wantCode(t, second, models.ECONFLICT)
			if len(list) != 1 || list[0].Status != 502 || list[0].OK != tt.ok {
				t.Fatalf("attempts = %+v; the refused attempt must not be written", list)
			}
		})
	}
}

func TestRescheduleOutbox(t *testing.T) {
	db, _ := openClocked(t)
	ctx := context.Background()
	id := oneRow(t, db, "resched")
	later := t0.Add(10 * time.Minute)
	// Twice to the same time with a frozen clock: the second UPDATE changes
	// no column, which MySQL must still count as a match.
	for range 2 {
		if err := db.RescheduleOutbox(ctx, id, later); err != nil {
			t.Fatal(err)
		}
	}
	if o, _ := db.FindOutbox(ctx, id); o.Attempts != 0 || !o.NextAt.Equal(later.Truncate(time.Millisecond)) {
		t.Fatalf("rescheduled row = %+v", o)
	}
	if err := db.RecordAttempt(ctx, &models.DeliveryAttempt{OutboxID: id, OK: true}, nil); err != nil {
		t.Fatal(err)
	}
	wantCode(t, db.RescheduleOutbox(ctx, id, later), models.ECONFLICT)
	_, err := db.ClaimOutbox(ctx, id, later, time.Minute)
	wantCode(t, err, models.ECONFLICT)
}

func TestDueAndListOutbox(t *testing.T) {
	db, clk := openClocked(t)
	ctx := context.Background()
	var ids []uint64
	for i, key := range []string{"due-a", "due-b", "due-c"} {
		nc := newCase(key, 1)
		nc.Outbox[0].NextAt = t0.Add(time.Duration(3-i) * time.Minute) // c due first
		mustCreate(t, db, nc)
		ids = append(ids, nc.Outbox[0].ID)
		clk.Add(time.Second)
	}
	due, err := db.DueOutbox(ctx, t0.Add(time.Hour), 2)
	if err != nil || !slices.Equal(due, []uint64{ids[2], ids[1]}) {
		t.Fatalf("DueOutbox = %v, %v; want oldest due first %v", due, err, []uint64{ids[2], ids[1]})
	}
	if err := db.RecordAttempt(ctx, &models.DeliveryAttempt{OutboxID: ids[0]}, nil); err != nil {
		t.Fatal(err)
	}
	rows, total, err := db.ListOutbox(ctx, models.OutboxFilter{})
	if err != nil || total != 3 || rows[0].ID != ids[2] || rows[2].ID != ids[0] {
		t.Fatalf("ListOutbox = %d rows, total %d, %v; want newest first", len(rows), total, err)
	}
	rows, total, _ = db.ListOutbox(ctx, models.OutboxFilter{Status: models.OutboxFailed})
	if total != 1 || rows[0].ID != ids[0] {
		t.Fatalf("failed rows = %d", total)
	}
	rows, total, _ = db.ListOutbox(ctx, models.OutboxFilter{Offset: 1, Limit: 1})
	if total != 3 || len(rows) != 1 || rows[0].ID != ids[1] {
		t.Fatalf("page = %+v, total %d", rows, total)
	}
}

// TestDueOutboxSubsecond checks time comparison across precisions (SQLite
// compares stored text: "10:00:00+00:00" against "10:00:00.05+00:00").
func TestDueOutboxSubsecond(t *testing.T) {
	db, _ := openClocked(t)
	ctx := context.Background()
	base := time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)
	offsets := []time.Duration{100 * time.Millisecond, 0, 50 * time.Millisecond, time.Second}
	var rows []*models.Outbox
	for _, off := range offsets {
		rows = append(rows, &models.Outbox{Channel: models.ChannelSink, Target: "t", Kind: "text", Payload: "{}", NextAt: base.Add(off)})
	}
	if err := db.AddOutbox(ctx, rows); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		now  time.Duration
		want []uint64
	}{
		{-time.Millisecond, nil},
		{0, []uint64{rows[1].ID}},
		{60 * time.Millisecond, []uint64{rows[1].ID, rows[2].ID}},
		{100 * time.Millisecond, []uint64{rows[1].ID, rows[2].ID, rows[0].ID}},
		{2 * time.Second, []uint64{rows[1].ID, rows[2].ID, rows[0].ID, rows[3].ID}},
	}
	for _, tt := range tests {
		got, err := db.DueOutbox(ctx, base.Add(tt.now), 10)
		if err != nil || !slices.Equal(got, tt.want) {
			t.Fatalf("DueOutbox(base%+v) = %v, %v; want %v", tt.now, got, err, tt.want)
		}
	}
}
