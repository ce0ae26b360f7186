package notify

import (
	"context"
	"fmt"
	"testing"
	"time"

	"tapline/bot"
	"tapline/models"
)

func TestReconcilerRecoversExpiredLease(t *testing.T) {
	ctx := context.Background()
	clock := newTestClock()
	db := MustStore(t, clock)
	srv, robot := newFakeWeCom(t)
	ids := MustRows(t, db, 2, models.ChannelWeComRobot, testKey, "crash", clock.Now())
	// A worker claims the first row and dies before sending.
	if _, err := db.ClaimOutbox(ctx, ids[0], clock.Now(), DefaultLease); err != nil {
		t.Fatal(err)
	}
	sched := newFakeScheduler()
	r := NewReconciler(db, sched, clock, discard())
	d := NewDeliverer(db, map[string]bot.Sender{models.ChannelWeComRobot: robot}, nil, clock, discard())
	if n, err := r.Once(ctx); err != nil || n != 1 || fmt.Sprint(sched.ids) != fmt.Sprint(ids[1:]) {
		t.Fatalf("first run: %d %v, armed %v", n, err, sched.ids)
	}
	if err := d.Deliver(ctx, ids[0]); err != nil { // still leased: nothing sent
		t.Fatal(err)
	}
	clock.Add(DefaultLease)
	sched.ids = nil
	if n, err := r.Once(ctx); err != nil || n != 2 {
		t.Fatalf("after the lease: %d %v", n, err)
	}
	for _, id := range sched.ids {
		if err := d.Deliver(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	calls, got := srv.counts()
	if calls != 2 || got[textOf("crash", 0)] != 1 {
		t.Fatalf("calls %d, delivered %v", calls, got)
	}
	if n, err := r.Once(ctx); err != nil || n != 0 {
		t.Fatalf("after delivery: %d %v", n, err)
	}
}

// signalScheduler reports each Enqueue call.
type signalScheduler struct{ calls chan []uint64 }

func (s signalScheduler) Enqueue(ctx context.Context, ids ...uint64) error {
	s.calls <- ids
	return nil
}

func (s signalScheduler) EnqueueAt(context.Context, uint64, time.Time) error { return nil }

func TestReconcilerRunStopsWithContext(t *testing.T) {
	clock := newTestClock()
	db := MustStore(t, clock)
	ids := MustRows(t, db, 1, models.ChannelSink, "pipes", "run", clock.Now())
	sched := signalScheduler{calls: make(chan []uint64, 1)}
	r := NewReconciler(db, sched, clock, discard(), WithInterval(time.Hour), WithBatch(10))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	if got := <-sched.calls; fmt.Sprint(got) != fmt.Sprint(ids) {
		t.Errorf("first run armed %v, want %v", got, ids)
	}
	cancel()
	<-done
}
