package remind

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"tapline/bot/address"
	"tapline/models"
)

// brokenFire is a deadline store whose firings always fail the same way.
type brokenFire struct{ models.DeadlineService }

func (brokenFire) Fire(context.Context, *models.Firing) error {
	return errors.New("insert warning: constraint failed")
}

// TestFailingStepIsParked: a step that fails the same way five times is
// parked: the task stops returning an error (no more retries), the
// reconciler no longer finds it, it is logged once at error level and
// listed as parked; resuming it runs it again.
func TestFailingStepIsParked(t *testing.T) {
	e := newEnv(t)
	c := e.file("billing", "文三路1号", false, "13800000002")
	dls, _ := e.db.CaseDeadlines(context.Background(), c.ID)
	d := dls[0]
	var logs bytes.Buffer
	svc := New(Plan{Policy: e.p, Calendar: e.cal}, brokenFire{e.db}, e.db, address.Book{Policy: e.p, Direct: models.ChannelSink},
		e.arm, &fakeEnq{}, e.clock, slog.New(slog.NewTextHandler(&logs, nil)), WithLocation(cst))
	e.clock.Set(d.NextAt)
	ctx := context.Background()
	for i := 1; i <= DefaultParkAfter+3; i++ {
		err := svc.Fire(ctx, d.ID, d.Step)
		if i < DefaultParkAfter && err == nil {
			t.Fatalf("attempt %d: the failure was swallowed before parking", i)
		}
		if i >= DefaultParkAfter && err != nil {
			t.Fatalf("attempt %d: parked task still fails: %v", i, err)
		}
	}
	got, _ := e.db.FindDeadline(ctx, d.ID)
	if got.Status != models.DeadlineParked || got.Failures != DefaultParkAfter || !strings.Contains(got.LastError, "constraint failed") {
		t.Fatalf("deadline %+v", got)
	}
	if n := strings.Count(logs.String(), "level=ERROR"); n != 1 {
		t.Fatalf("%d error lines, want the parking logged once:\n%s", n, logs.String())
	}
	if due, _ := e.db.DueDeadlines(ctx, e.clock.Now().Add(100*24*time.Hour), 10); len(due) != 0 {
		t.Fatalf("a parked deadline is still due: %+v", due[0])
	}
	if parked, _ := e.db.ParkedDeadlines(ctx, 10); len(parked) != 1 || parked[0].ID != d.ID {
		t.Fatalf("parked list %+v", parked)
	}
	if _, err := e.db.ResumeDeadline(ctx, d.ID, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.ResumeDeadline(ctx, d.ID, e.clock.Now()); models.ErrorCode(err) != models.ECONFLICT {
		t.Fatalf("resuming a running deadline: %v", err)
	}
	if err := e.svc.Fire(ctx, d.ID, d.Step); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.db.FindDeadline(ctx, d.ID); got.Step != d.Step+1 || got.Failures != 0 || got.LastError != "" {
		t.Fatalf("resumed deadline after firing %+v", got)
	}
}

// TestDifferentFailuresRestartTheCount: a failure unlike the one before
// counts from one again.
func TestDifferentFailuresRestartTheCount(t *testing.T) {
	e := newEnv(t)
	c := e.file("billing", "文三路1号", false, "13800000002")
	dls, _ := e.db.CaseDeadlines(context.Background(), c.ID)
	ctx := context.Background()
	for i, msg := range []string{"a", "a", "b", "a"} {
		parked, n, err := e.db.FireFailed(ctx, dls[0].ID, 0, msg, e.clock.Now(), 3)
		want := []int{1, 2, 1, 1}[i]
		if err != nil || parked || n != want {
			t.Fatalf("failure %d %q: parked %v n %d err %v, want n %d", i, msg, parked, n, err, want)
		}
	}
	if parked, n, err := e.db.FireFailed(ctx, dls[0].ID, 7, "a", e.clock.Now(), 3); parked || n != 0 || err != nil {
		t.Fatalf("failure of a step the row has left: %v %d %v", parked, n, err)
	}
}
