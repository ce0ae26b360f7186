package casework

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"tapline/bot/policy"
	"tapline/bot/redisstore"
	"tapline/bot/redisstore/redistest"
	"tapline/models"
	"tapline/models/store"
	"tapline/models/store/storetest"
)

// countingCases counts the reads of residents' case lists.
type countingCases struct {
	models.CaseService
	n atomic.Int32
}

func (c *countingCases) FindCases(ctx context.Context, f models.CaseFilter) ([]*models.Case, int, error) {
	if f.ResidentID != "" {
		c.n.Add(1)
	}
	return c.CaseService.FindCases(ctx, f)
}

// newHintedEnv is newEnv with the pending hint in Redis, the way the
// server wires it.
func newHintedEnv(t *testing.T) (*env, *countingCases) {
	t.Helper()
	p, err := policy.Load("../../configs/policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	clk := &fakeClock{t: time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)}
	db := storetest.OpenConfig(t, store.Config{Now: clk.Now})
	rdb, prefix := redistest.New(t)
	hints := redisstore.NewPendingHints(rdb, prefix, time.Hour)
	log := slog.New(slog.DiscardHandler)
	cases := &countingCases{CaseService: db}
	enq := &fakeEnq{}
	svc := New(p, HintedWork(db, hints, log), cases, enq, clk, log)
	return &env{t: t, p: p, db: db, svc: svc, enq: enq, clock: clk}, cases
}

// unhandled sends resident text that must go on to the intake dialog.
func (e *env) unhandled(openID, text string) {
	e.t.Helper()
	r, handled, err := e.svc.Resident(context.Background(), residentText(openID, text))
	if err != nil || handled {
		e.t.Fatalf("resident %q: handled=%v %q, err=%v; want it left to the dialog", text, handled, r.Text, err)
	}
}

func (c *countingCases) want(t *testing.T, n int32, when string) {
	t.Helper()
	if got := c.n.Load(); got != n {
		t.Fatalf("%s: the resident's cases were read %d times, want %d", when, got, n)
	}
}

// The hint spares the case query while nothing waits for the resident, and
// every step that puts something to them is seen at once.
func TestPendingHintSkipsQueryUntilACaseWaits(t *testing.T) {
	e, reads := newHintedEnv(t)
	c := e.file("construction", false, "o-h")
	e.unhandled("o-h", "你好")
	e.unhandled("o-h", "我想再投诉一件事")
	reads.want(t, 1, "assigned case, two messages")

	e.say("construction.crew", "接单 "+c.Number)
	e.unhandled("o-h", "还在吗")
	e.unhandled("o-h", "还在吗")
	reads.want(t, 2, "after 接单")

	e.say("construction.crew", "问 "+c.Number+" 请问明天上午在家吗？")
	mustContain(t, e.resident("o-h", "在家，九点以后"), "已转告")
	e.unhandled("o-h", "谢谢")
	e.unhandled("o-h", "谢谢")
	reads.want(t, 4, "question asked, answered, then two messages")

	e.say("construction.crew", "措施 "+c.Number+" 明天上午更换水表")
	e.unhandled("o-h", "什么时候来")
	e.say("leader.b", "批准 "+c.Number)
	mustContain(t, e.resident("o-h", "接受"), c.Number)
	e.mustStatus(c, models.StatusAgreed)
}

// A question open on an accepted case is pending: the hint is not marked,
// and a question older than the TTL is not pending any more.
func TestPendingHintKeepsOpenQuestion(t *testing.T) {
	e, reads := newHintedEnv(t)
	c := e.file("construction", false, "o-k")
	e.say("construction.crew", "接单 "+c.Number)
	e.say("construction.crew", "问 "+c.Number+" 门牌号是多少？")
	mustContain(t, e.resident("o-k", "5号"), "已转告")
	e.say("construction.crew", "问 "+c.Number+" 几楼？")
	e.clock.Add(73 * time.Hour)
	e.unhandled("o-k", "3楼")
	e.unhandled("o-k", "3楼")
	reads.want(t, 2, "stale question, two messages")
}

// failingHint is a hint store that is down.
type failingHint struct{ invalidated atomic.Int32 }

func (f *failingHint) Check(context.Context, string) (bool, string, error) {
	return false, "", errors.New("redis down")
}
func (f *failingHint) MarkNone(context.Context, string, string) error {
	return errors.New("redis down")
}
func (f *failingHint) Invalidate(context.Context, string) error {
	f.invalidated.Add(1)
	return errors.New("redis down")
}

// An unreadable hint costs only the query; a failed invalidation does not
// fail the transition.
func TestPendingHintDown(t *testing.T) {
	e := newEnv(t)
	hint := &failingHint{}
	e.svc.work = HintedWork(e.db, hint, slog.New(slog.DiscardHandler))
	c := e.file("business", false, "o-d")
	e.say("business.crew", "接单 "+c.Number)
	e.say("business.crew", "不属实 "+c.Number+" 经核查水表读数正确")
	if hint.invalidated.Load() != 2 {
		t.Fatalf("invalidated %d times, want once per transition", hint.invalidated.Load())
	}
	mustContain(t, e.resident("o-d", "接受"), c.Number)
}
