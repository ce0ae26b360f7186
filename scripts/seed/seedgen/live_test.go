package seedgen_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"tapline/bot/address"
	"tapline/bot/calendar"
	"tapline/bot/remind"
	"tapline/models"
	"tapline/models/store/storetest"
	"tapline/scripts/seed/seedgen"
)

type fixedClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fixedClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fixedClock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

type nopArmer struct{}

func (nopArmer) Arm(context.Context, uint64, int, time.Time) error { return nil }

type nopEnq struct{}

func (nopEnq) Enqueue(context.Context, ...uint64) error { return nil }

// TestSeededMonthRunsLive: the live server's deadline worker runs on a
// seeded month without an error, and each clock the seed left running
// fires at most once when the worker first catches up (the warning of a
// late stage is already recorded: the firing moves on instead of failing
// on warnings.deadline_id), then waits for its next step.
func TestSeededMonthRunsLive(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	p := mustPolicy(t)
	cal, err := calendar.Load("../../../configs/calendar.txt")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, seedgen.CST) // a Friday, working hours
	opt := seedgen.Options{Month: now, Cases: 300, Seed: 3, Now: now, Calendar: cal}
	if _, err := seedgen.Generate(ctx, db, p, opt); err != nil {
		t.Fatal(err)
	}
	if due, err := db.DueDeadlines(ctx, now, 1); err != nil || len(due) != 0 {
		t.Fatalf("the seed left clocks overdue at its own now: %+v %v", due, err)
	}
	var warnedRunning int64
	db.Gorm().Model(&models.Deadline{}).Where("status = ? AND id IN (SELECT deadline_id FROM warnings)",
		models.DeadlineRunning).Count(&warnedRunning)
	if warnedRunning == 0 {
		t.Fatal("the seed left no late stage running: nothing to test")
	}
	warnings := count(t, db.Gorm(), "SELECT COUNT(*) FROM warnings")
	plan := remind.Plan{Policy: p, Calendar: cal}
	var running []models.Deadline
	db.Gorm().Where("status = ? AND id IN (SELECT deadline_id FROM warnings)", models.DeadlineRunning).Find(&running)
	for _, d := range running { // the warning recorded is the warning step fired
		if d.Step <= plan.WarnStep(d.Stage) || d.Level < 1 {
			t.Errorf("deadline %d has its warning but stands at step %d, level %d", d.ID, d.Step, d.Level)
		}
	}

	clk := &fixedClock{t: now.Add(3 * time.Hour)} // the server starts three hours after the seed
	svc := remind.New(remind.Plan{Policy: p, Calendar: cal}, db, db, address.Book{Policy: p, Direct: models.ChannelSink},
		nopArmer{}, nopEnq{}, clk, slog.New(slog.DiscardHandler), remind.WithLocation(cal.Location()))
	fired := map[uint64]int{}
	for round := 0; round < 50; round++ {
		due, err := db.DueDeadlines(ctx, clk.Now(), 500)
		if err != nil {
			t.Fatal(err)
		}
		if len(due) == 0 {
			break
		}
		for _, d := range due {
			if err := svc.Fire(ctx, d.ID, d.Step); err != nil {
				t.Fatalf("deadline %d (%s, step %d) does not fire on seeded data: %v", d.ID, d.Stage, d.Step, err)
			}
			fired[d.ID]++
		}
	}
	if due, _ := db.DueDeadlines(ctx, clk.Now(), 1); len(due) != 0 {
		t.Fatalf("deadline %d still due after catching up", due[0].ID)
	}
	perCase := map[uint64]int{} // deadlines of a case that fired
	for id := range fired {
		d, err := db.FindDeadline(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		perCase[d.CaseID]++
	}
	for caseID, n := range perCase {
		events := count(t, db.Gorm(), "SELECT COUNT(*) FROM case_events WHERE type LIKE 'deadline_%' AND case_id = ?", caseID)
		if events > n {
			t.Errorf("case %d: %d deadlines wrote %d warning and escalation events while catching up, want at most one each",
				caseID, n, events)
		}
	}
	if after := count(t, db.Gorm(), "SELECT COUNT(*) FROM warnings"); after < warnings {
		t.Fatalf("warnings %d → %d", warnings, after)
	}
	t.Logf("%d running late stages in the seed; %d deadlines fired while catching up", warnedRunning, len(fired))
}

// count runs a COUNT query.
func count(tb testing.TB, conn *gorm.DB, q string, args ...any) int {
	tb.Helper()
	var n int
	if err := conn.Raw(q, args...).Scan(&n).Error; err != nil {
		tb.Fatalf("%s: %v", q, err)
	}
	return n
}
