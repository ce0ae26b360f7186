package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"tapline/bot"
	"tapline/models"
	"tapline/models/store"
)

// observed counts observer calls.
type observed struct {
	mu     sync.Mutex
	ok, ko int
}

func (o *observed) observe(channel string, ok bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if ok {
		o.ok++
	} else {
		o.ko++
	}
}

// outcomeCase is one row of TestDeliverOutcomes.
type outcomeCase struct {
	name     string
	replies  []int // fake WeCom answers, then errcode 0
	budget   int
	steps    []time.Duration // clock advance before each further Deliver
	status   string
	attempts []int // HTTP status of each attempt; 0 = OK
	armed    []time.Duration
	calls    int
}

func TestDeliverOutcomes(t *testing.T) {
	tests := []outcomeCase{
		{name: "success once", status: models.OutboxSent, attempts: []int{0}, calls: 1},
		{name: "500 then success", replies: []int{500}, steps: []time.Duration{10 * time.Second},
			status: models.OutboxSent, attempts: []int{500, 0}, armed: []time.Duration{10 * time.Second}, calls: 2},
		{name: "permanent 93000", replies: []int{93000}, status: models.OutboxFailed, attempts: []int{200}, calls: 1},
		{name: "frequency limit 45009 waits a minute", replies: []int{45009}, steps: []time.Duration{time.Minute},
			status: models.OutboxSent, attempts: []int{200, 0}, armed: []time.Duration{time.Minute}, calls: 2},
		{name: "budget exhausted", replies: []int{500, 500, 500, 500}, budget: 3,
			steps:  []time.Duration{10 * time.Second, 30 * time.Second},
			status: models.OutboxFailed, attempts: []int{500, 500, 500},
			armed: []time.Duration{10 * time.Second, 40 * time.Second}, calls: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { runOutcome(t, tt) })
	}
}

// runOutcome delivers one row through a fake WeCom robot, advancing the
// clock by tt.steps, and checks the row, its attempts, the armed tasks, the
// robot's calls and the observer.
func runOutcome(t *testing.T, tt outcomeCase) {
	ctx := context.Background()
	clock := newTestClock()
	start := clock.Now()
	db := MustStore(t, clock)
	srv, robot := newFakeWeCom(t, tt.replies...)
	sched, obs := newFakeScheduler(), &observed{}
	failed := 0
	onFailed := func(_ context.Context, row *models.Outbox, err error) {
		if row == nil || err == nil {
			t.Error("onFailed without row or error")
		}
		failed++
	}
	opts := []DelivererOption{WithScheduler(sched), WithObserver(obs.observe), WithOnFailed(onFailed)}
	if tt.budget > 0 {
		opts = append(opts, WithBudget(tt.budget))
	}
	d := NewDeliverer(db, map[string]bot.Sender{models.ChannelWeComRobot: robot}, nil, clock, discard(), opts...)
	id := MustRows(t, db, 1, models.ChannelWeComRobot, testKey, "o", start)[0]
	deliver := func() {
		if err := d.Deliver(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	deliver()
	for _, step := range tt.steps {
		deliver() // not due yet: a no-op
		clock.Add(step)
		deliver()
	}
	deliver() // done: a no-op
	checkOutcome(t, db, id, tt.status, tt.attempts)
	var wantArmed []time.Time
	for _, a := range tt.armed {
		wantArmed = append(wantArmed, start.Add(a))
	}
	if got := sched.armed(id); fmt.Sprint(got) != fmt.Sprint(wantArmed) {
		t.Errorf("armed %v, want %v", got, wantArmed)
	}
	if calls, _ := srv.counts(); calls != tt.calls {
		t.Errorf("%d calls to the robot, want %d", calls, tt.calls)
	}
	if obs.ok+obs.ko != len(tt.attempts) || (obs.ok == 1) != (tt.status == models.OutboxSent) {
		t.Errorf("observer ok=%d ko=%d", obs.ok, obs.ko)
	}
	if wantFailed := map[bool]int{true: 1, false: 0}[tt.status == models.OutboxFailed]; failed != wantFailed {
		t.Errorf("onFailed called %d times, want %d", failed, wantFailed)
	}
}

// checkOutcome checks a row's status and attempts; attempts holds the
// HTTP status of each attempt, 0 for a success and -1 for a failure
// without an HTTP answer.
func checkOutcome(t *testing.T, db *store.DB, id uint64, status string, attempts []int) {
	t.Helper()
	row := MustRow(t, db, id)
	if row.Status != status || row.Attempts != len(attempts) || (status == models.OutboxSent) != (row.SentAt != nil) {
		t.Errorf("row status %s attempts %d sent_at %v, want %s %d", row.Status, row.Attempts, row.SentAt, status, len(attempts))
	}
	if status != models.OutboxSent && (row.LastError == "" || strings.Contains(row.LastError, testKey)) {
		t.Errorf("last error %q: empty or unmasked", row.LastError)
	}
	as := MustAttempts(t, db, id)
	if len(as) != len(attempts) {
		t.Fatalf("%d attempts, want %d", len(as), len(attempts))
	}
	for i, a := range as {
		if a.OK != (attempts[i] == 0) || (!a.OK && a.Status != max(attempts[i], 0)) {
			t.Errorf("attempt %d: ok %v status %d error %q, want status %d", i, a.OK, a.Status, a.Error, attempts[i])
		}
	}
}

func TestDeliverPermanentWithoutSending(t *testing.T) {
	tests := []struct {
		name, channel, kind, payload string
	}{
		{"unknown channel", "pigeon", KindText, `{"text":"x"}`},
		{"bad payload", models.ChannelWeComRobot, KindCard, `{"card":`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newTestClock()
			db := MustStore(t, clock)
			srv, robot := newFakeWeCom(t)
			rows := []*models.Outbox{{Channel: tt.channel, Target: testKey, Kind: tt.kind, Payload: tt.payload, NextAt: clock.Now()}}
			if err := db.AddOutbox(context.Background(), rows); err != nil {
				t.Fatal(err)
			}
			d := NewDeliverer(db, map[string]bot.Sender{models.ChannelWeComRobot: robot}, nil, clock, discard())
			if err := d.Deliver(context.Background(), rows[0].ID); err != nil {
				t.Fatal(err)
			}
			checkOutcome(t, db, rows[0].ID, models.OutboxFailed, []int{0: -1})
			if calls, _ := srv.counts(); calls != 0 {
				t.Errorf("%d calls", calls)
			}
		})
	}
}

func TestDeliverRateLimit(t *testing.T) {
	ctx := context.Background()
	clock := newTestClock()
	start := clock.Now()
	db := MustStore(t, clock)
	rdb, _ := MustRedis(t)
	srv, robot := newFakeWeCom(t)
	sched := newFakeScheduler()
	limiter := NewRedisLimiter(rdb, randomName("test:rl:")+":")
	d := NewDeliverer(db, map[string]bot.Sender{models.ChannelWeComRobot: robot}, limiter, clock, discard(), WithScheduler(sched))
	ids := MustRows(t, db, 25, models.ChannelWeComRobot, testKey, "rl", start)
	for _, id := range ids {
		if err := d.Deliver(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if calls, _ := srv.counts(); calls != 20 {
		t.Fatalf("%d sent in the first minute, want 20", calls)
	}
	var held []uint64
	for _, id := range ids {
		row := MustRow(t, db, id)
		if row.Status == models.OutboxPending {
			held = append(held, id)
			if !row.NextAt.Equal(start.Add(time.Minute)) || row.Attempts != 0 || len(MustAttempts(t, db, id)) != 0 {
				t.Errorf("held row %d: next %v attempts %d", id, row.NextAt, row.Attempts)
			}
			if got := sched.armed(id); len(got) != 1 || !got[0].Equal(start.Add(time.Minute)) {
				t.Errorf("held row %d armed %v", id, got)
			}
		}
	}
	if len(held) != 5 {
		t.Fatalf("%d rows held, want 5", len(held))
	}
	clock.Add(time.Minute)
	for _, id := range held {
		if err := d.Deliver(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	calls, got := srv.counts()
	if calls != 25 || len(got) != 25 {
		t.Fatalf("%d calls, %d distinct messages, want 25", calls, len(got))
	}
}

// failingLimiter cannot decide.
type failingLimiter struct{}

func (failingLimiter) Allow(context.Context, string, time.Time) (bool, time.Time, error) {
	return false, time.Time{}, errors.New("redis down")
}

func TestDeliverLimiterDownReschedules(t *testing.T) {
	clock := newTestClock()
	db := MustStore(t, clock)
	srv, robot := newFakeWeCom(t)
	sched := newFakeScheduler()
	d := NewDeliverer(db, map[string]bot.Sender{models.ChannelWeComRobot: robot}, failingLimiter{}, clock, discard(), WithScheduler(sched))
	id := MustRows(t, db, 1, models.ChannelWeComRobot, testKey, "down", clock.Now())[0]
	if err := d.Deliver(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	row := MustRow(t, db, id)
	want := clock.Now().Add(limiterRetry)
	if row.Status != models.OutboxPending || row.Attempts != 0 || !row.NextAt.Equal(want) {
		t.Errorf("row %s attempts %d next %v, want pending 0 %v", row.Status, row.Attempts, row.NextAt, want)
	}
	if calls, _ := srv.counts(); calls != 0 || len(sched.armed(id)) != 1 {
		t.Errorf("calls %d armed %v", calls, sched.armed(id))
	}
}

func TestDeliverRaceSendsOnce(t *testing.T) {
	clock := newTestClock()
	db := MustStore(t, clock)
	srv, robot := newFakeWeCom(t)
	senders := map[string]bot.Sender{models.ChannelWeComRobot: robot}
	ids := MustRows(t, db, 30, models.ChannelWeComRobot, testKey, "race", clock.Now())
	var wg sync.WaitGroup
	errs := make(chan error, 4*len(ids))
	for range 2 {
		d := NewDeliverer(db, senders, nil, clock, discard())
		for _, order := range [][]uint64{ids, reversed(ids)} {
			wg.Go(func() {
				for _, id := range order {
					errs <- d.Deliver(context.Background(), id)
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	calls, got := srv.counts()
	if calls != len(ids) || len(got) != len(ids) {
		t.Fatalf("%d calls for %d distinct messages, want %d", calls, len(got), len(ids))
	}
	for text, n := range got {
		if n != 1 {
			t.Errorf("%q delivered %d times", text, n)
		}
	}
}

func reversed(ids []uint64) []uint64 {
	out := make([]uint64, len(ids))
	for i, id := range ids {
		out[len(ids)-1-i] = id
	}
	return out
}

func TestHandleDeliverBadPayload(t *testing.T) {
	d := NewDeliverer(nil, nil, nil, newTestClock(), discard())
	for _, payload := range []string{`{`, `{"id":0}`} {
		err := d.HandleDeliver(context.Background(), asynq.NewTask(TypeDeliver, []byte(payload)))
		if !errors.Is(err, asynq.SkipRetry) {
			t.Errorf("payload %s: err %v, want SkipRetry", payload, err)
		}
	}
}
