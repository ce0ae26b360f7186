package jobs

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"tapline/bot/redisstore/redistest"
)

type fixed time.Time

func (f fixed) Now() time.Time { return time.Time(f) }

// TestOncePerPeriod: two replicas tick the same period many times; one run
// is enqueued; before the hour nothing is; the next day another.
func TestOncePerPeriod(t *testing.T) {
	rdb, prefix := redistest.New(t)
	queue := "test-jobs-" + prefix[:len(prefix)-1]
	insp := asynq.NewInspectorFromRedisClient(rdb)
	t.Cleanup(func() {
		_ = insp.DeleteQueue(queue, true)
		ctx := context.Background()
		iter := rdb.Scan(ctx, 0, "asynq:{"+queue+"}:*", 100).Iterator()
		for iter.Next(ctx) {
			rdb.Del(ctx, iter.Val())
		}
	})
	cst := time.FixedZone("CST", 8*3600)
	runs := 0
	job := Job{Name: "daily", Due: Daily(cst, 8, 0), Run: func(context.Context, string) error { runs++; return nil }}
	client := asynq.NewClientFromRedisClient(rdb)
	tick := func(at time.Time) {
		for range 2 { // two replicas
			s := New(client, queue, fixed(at), slog.New(slog.DiscardHandler), job)
			for range 3 {
				if err := s.Tick(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	count := func() int {
		info, err := insp.GetQueueInfo(queue)
		if err != nil {
			return 0
		}
		return info.Pending + info.Scheduled
	}
	tick(time.Date(2026, 11, 27, 7, 59, 0, 0, cst))
	if n := count(); n != 0 {
		t.Fatalf("%d runs before 08:00", n)
	}
	tick(time.Date(2026, 11, 27, 8, 1, 0, 0, cst))
	tick(time.Date(2026, 11, 27, 17, 0, 0, 0, cst))
	if n := count(); n != 1 {
		t.Fatalf("%d runs on one day, want 1", n)
	}
	tick(time.Date(2026, 11, 28, 8, 1, 0, 0, cst))
	if n := count(); n != 2 {
		t.Fatalf("%d runs after two days, want 2", n)
	}
	pending, _ := insp.ListPendingTasks(queue)
	s := New(client, queue, fixed(time.Now()), slog.New(slog.DiscardHandler), job)
	if err := s.Handle(context.Background(), asynq.NewTask(TypeRun, pending[0].Payload)); err != nil || runs != 1 {
		t.Fatalf("handle: %v, runs %d", err, runs)
	}
	if err := s.Handle(context.Background(), asynq.NewTask(TypeRun, []byte(`{"name":"nope"}`))); err == nil {
		t.Fatal("unknown job accepted")
	}
}

func TestMonthlyOnFirstWorkday(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	// 2026-11-01 is a Sunday: the first working day is Monday the 2nd.
	weekday := func(t time.Time) bool { return t.Weekday() != time.Saturday && t.Weekday() != time.Sunday }
	due := MonthlyOnFirstWorkday(weekday, cst, 8, 30)
	for at, want := range map[time.Time]string{
		time.Date(2026, 11, 1, 9, 0, 0, 0, cst):   "",
		time.Date(2026, 11, 2, 8, 29, 0, 0, cst):  "",
		time.Date(2026, 11, 2, 8, 30, 0, 0, cst):  "2026-10",
		time.Date(2026, 11, 2, 23, 59, 0, 0, cst): "2026-10",
		time.Date(2026, 11, 3, 9, 0, 0, 0, cst):   "",
		time.Date(2026, 1, 1, 9, 0, 0, 0, cst):    "2025-12", // the weekday stand-in knows no holidays
	} {
		if got := due(at); got != want {
			t.Errorf("%v: %q, want %q", at, got, want)
		}
	}
}
