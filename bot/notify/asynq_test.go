package notify

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"tapline/bot"
	"tapline/models"
)

// MustAsynq returns an asynq client and inspector on the test Redis and a
// queue name of its own, deleted at the end. On miniredis it advances the
// server's clock every second, as asynq needs keys to expire (STACK-NOTES).
func MustAsynq(t *testing.T) (redis.UniversalClient, *asynq.Client, *asynq.Inspector, string) {
	t.Helper()
	rdb, m := MustRedis(t)
	if m != nil {
		fastForward(t, m)
	}
	client := asynq.NewClientFromRedisClient(rdb)
	insp := asynq.NewInspectorFromRedisClient(rdb)
	queue := randomName("test-outbox-")
	t.Cleanup(func() {
		_ = insp.DeleteQueue(queue, true)
		// Counters survive DeleteQueue; remove only this test's queue keys.
		ctx := context.Background()
		iter := rdb.Scan(ctx, 0, "asynq:{"+queue+"}:*", 100).Iterator()
		for iter.Next(ctx) {
			rdb.Del(ctx, iter.Val())
		}
	})
	return rdb, client, insp, queue
}

func fastForward(t *testing.T, m *miniredis.Miniredis) {
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				m.FastForward(time.Second)
			}
		}
	}()
	t.Cleanup(func() { close(done); <-stopped })
}

func TestEnqueuerDedupes(t *testing.T) {
	ctx := context.Background()
	clock := bot.SystemClock{}
	db := MustStore(t, clock)
	_, client, insp, queue := MustAsynq(t)
	e := NewEnqueuer(client, db, WithQueue(queue))
	now := time.Now().UTC()
	due := MustRows(t, db, 2, models.ChannelSink, "pipes", "due", now)
	later := MustRows(t, db, 1, models.ChannelSink, "pipes", "later", now.Add(time.Hour))
	if err := db.RecordAttempt(ctx, &models.DeliveryAttempt{OutboxID: due[1], OK: true}, nil); err != nil {
		t.Fatal(err)
	}
	for range 2 { // the second round is a no-op
		if err := e.Enqueue(ctx, due[0], due[1], later[0], 999999); err != nil {
			t.Fatal(err)
		}
	}
	pending, err := insp.ListPendingTasks(queue)
	if err != nil {
		t.Fatal(err)
	}
	scheduled, err := insp.ListScheduledTasks(queue)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 1 || pending[0].ID != taskID(due[0], MustRow(t, db, due[0]).NextAt) || pending[0].MaxRetry != 0 {
		t.Errorf("pending %+v", pending)
	}
	if len(scheduled) != 1 || scheduled[0].ID != taskID(later[0], MustRow(t, db, later[0]).NextAt) {
		t.Errorf("scheduled %+v", scheduled)
	}
}

func TestEndToEndAsynqWeCom(t *testing.T) {
	ctx := context.Background()
	clock := bot.SystemClock{}
	db := MustStore(t, clock)
	rdb, client, _, queue := MustAsynq(t)
	srv, robot := newFakeWeCom(t, 500) // first attempt fails, the retry is armed
	e := NewEnqueuer(client, db, WithQueue(queue))
	d := NewDeliverer(db, map[string]bot.Sender{models.ChannelWeComRobot: robot},
		NewRedisLimiter(rdb, randomName("test:rl:")+":"), clock, discard(),
		WithScheduler(e), WithBackoff(time.Second))
	cfg := ServerConfig(discard())
	cfg.Queues = map[string]int{queue: 1}
	server := asynq.NewServerFromRedisClient(rdb, cfg)
	mux := asynq.NewServeMux()
	mux.HandleFunc(TypeDeliver, d.HandleDeliver)
	if err := server.Start(mux); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(server.Shutdown)

	id := MustRows(t, db, 1, models.ChannelWeComRobot, testKey, "e2e", time.Now())[0]
	if err := e.Enqueue(ctx, id); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-srv.onOK:
		if got != textOf("e2e", 0) {
			t.Fatalf("delivered %q", got)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no delivery within 30 s")
	}
	deadline := time.Now().Add(10 * time.Second)
	for MustRow(t, db, id).Status != models.OutboxSent {
		if time.Now().After(deadline) {
			t.Fatalf("row still %s", MustRow(t, db, id).Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
	checkOutcome(t, db, id, models.OutboxSent, []int{500, 0})
	if calls, _ := srv.counts(); calls != 2 {
		t.Errorf("%d calls, want 2", calls)
	}
}

// aheadClock is the system clock moved forward.
type aheadClock struct{ d time.Duration }

func (c aheadClock) Now() time.Time { return time.Now().Add(c.d) }

// TestEnqueuerSchedulesOnItsClock: the rows' times are on the injected
// clock; a row due now on it runs now, one due in ten minutes on it is
// armed ten minutes from now, whatever the system clock says.
func TestEnqueuerSchedulesOnItsClock(t *testing.T) {
	clock := aheadClock{d: 48 * time.Hour}
	db := MustStore(t, clock)
	_, client, insp, queue := MustAsynq(t)
	e := NewEnqueuer(client, db, WithQueue(queue), WithEnqueueClock(clock))
	now := clock.Now()
	due := MustRows(t, db, 1, models.ChannelSink, "pipes", "due", now)
	later := MustRows(t, db, 1, models.ChannelSink, "pipes", "later", now.Add(10*time.Minute))
	if err := e.Enqueue(context.Background(), due[0], later[0]); err != nil {
		t.Fatal(err)
	}
	pending, _ := insp.ListPendingTasks(queue)
	scheduled, _ := insp.ListScheduledTasks(queue)
	if len(pending) != 1 || len(scheduled) != 1 {
		t.Fatalf("pending %d scheduled %d, want 1 and 1", len(pending), len(scheduled))
	}
	if at := scheduled[0].NextProcessAt; at.Before(time.Now().Add(9*time.Minute)) || at.After(time.Now().Add(11*time.Minute)) {
		t.Fatalf("the later row is armed for %s, want about ten minutes from now", at)
	}
}

// movingClock is the system clock moved by a settable offset.
type movingClock struct {
	mu sync.Mutex
	d  time.Duration
}

func (c *movingClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return time.Now().Add(c.d) }
func (c *movingClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.d += d
}

// TestRearmRunsDueRowWhoseTaskWaits: a row armed for a minute ahead whose
// time has come on the service clock before the system clock (the clock
// moved on) runs at once when the reconciler re-arms it, though its first
// task still waits.
func TestRearmRunsDueRowWhoseTaskWaits(t *testing.T) {
	clock := &movingClock{}
	db := MustStore(t, clock)
	_, client, insp, queue := MustAsynq(t)
	e := NewEnqueuer(client, db, WithQueue(queue), WithEnqueueClock(clock))
	id := MustRows(t, db, 1, models.ChannelSink, "pipes", "later", clock.Now().Add(time.Minute))[0]
	if err := e.Enqueue(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	clock.add(2 * time.Minute)
	rec := NewReconciler(db, e, clock, discard())
	if n, err := rec.Once(context.Background()); err != nil || n != 1 {
		t.Fatalf("reconcile: %d %v", n, err)
	}
	pending, _ := insp.ListPendingTasks(queue)
	scheduled, _ := insp.ListScheduledTasks(queue)
	if len(pending) != 1 || !strings.HasSuffix(pending[0].ID, ":due") || len(scheduled) != 1 {
		t.Fatalf("pending %d scheduled %d, want the due task now beside the waiting one", len(pending), len(scheduled))
	}
	if _, err := rec.Once(context.Background()); err != nil {
		t.Fatal(err)
	}
	if pending, _ = insp.ListPendingTasks(queue); len(pending) != 1 {
		t.Fatalf("a second reconcile armed it again: %d pending", len(pending))
	}
}
