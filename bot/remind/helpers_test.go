package remind

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tapline/bot/address"
	"tapline/bot/calendar"
	"tapline/bot/notify"
	"tapline/bot/policy"
	"tapline/models"
	"tapline/models/store"
	"tapline/models/store/storetest"
)

var cst = time.FixedZone("CST", 8*3600)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

type armed struct {
	id   uint64
	step int
	at   time.Time
}

type fakeArmer struct {
	mu   sync.Mutex
	arms []armed
}

func (a *fakeArmer) Arm(_ context.Context, id uint64, step int, at time.Time) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.arms = append(a.arms, armed{id, step, at})
	return nil
}

type fakeEnq struct{ n atomic.Int64 }

func (f *fakeEnq) Enqueue(_ context.Context, ids ...uint64) error {
	f.n.Add(int64(len(ids)))
	return nil
}

type env struct {
	t     *testing.T
	p     *policy.Policy
	cal   *calendar.Calendar
	db    *store.DB
	clock *fakeClock
	arm   *fakeArmer
	svc   *Service
}

var seq atomic.Int64

// newEnv starts on Friday 2026-11-27 10:00 CST, a working day.
func newEnv(t *testing.T) *env {
	t.Helper()
	p, err := policy.Load("../../configs/policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cal, err := calendar.Load("../../configs/calendar.txt")
	if err != nil {
		t.Fatal(err)
	}
	clk := &fakeClock{t: time.Date(2026, 11, 27, 10, 0, 0, 0, cst)}
	db := storetest.OpenConfig(t, store.Config{Now: clk.Now})
	e := &env{t: t, p: p, cal: cal, db: db, clock: clk, arm: &fakeArmer{}}
	e.svc = e.service()
	return e
}

// service returns another Service on the same database (a second worker).
func (e *env) service() *Service {
	return New(Plan{Policy: e.p, Calendar: e.cal}, e.db, e.db, address.Book{Policy: e.p, Direct: models.ChannelSink},
		e.arm, &fakeEnq{}, e.clock, slog.New(slog.DiscardHandler), WithLocation(cst), WithOutbox(e.db))
}

// file files a case with its filing clocks.
func (e *env) file(category, address string, major bool, phone string) *models.Case {
	e.t.Helper()
	cat := e.p.Category(category)
	c := models.Case{DraftKey: fmt.Sprintf("k%d", seq.Add(1)), Status: models.StatusAssigned, Source: models.SourceWeChat,
		Category: category, Department: cat.Department, Name: "王先生", Address: address, Phone: phone,
		Details: "测试投诉", AreaKey: AreaKey(address)}
	if major {
		c.Major, c.MajorReason, c.Urgent = true, "safety", true
	}
	nc := &models.NewCase{Case: c, Deadlines: e.svc.Plan().Filing(&c, e.clock.Now()),
		BuildOutbox: func(c *models.Case) ([]models.Outbox, error) {
			if !c.Major {
				return nil, nil
			}
			return e.svc.Alert(c, "测试")
		}}
	saved, _, err := e.db.CreateCase(context.Background(), nc)
	if err != nil {
		e.t.Fatal(err)
	}
	return saved
}

// runUntil fires every step due up to t, moving the clock to each step's
// time in order (days of deadlines in milliseconds).
func (e *env) runUntil(t time.Time) {
	e.t.Helper()
	ctx := context.Background()
	for i := 0; i < 10000; i++ {
		due, err := e.db.DueDeadlines(ctx, t.Add(time.Millisecond), 1)
		if err != nil {
			e.t.Fatal(err)
		}
		if len(due) == 0 {
			e.clock.Set(t)
			return
		}
		if due[0].NextAt.After(e.clock.Now()) {
			e.clock.Set(due[0].NextAt)
		}
		if err := e.svc.Fire(ctx, due[0].ID, due[0].Step); err != nil {
			e.t.Fatal(err)
		}
	}
	e.t.Fatal("runUntil: too many steps")
}

// sent returns the outbox texts of a case for an audience, in order.
func (e *env) sent(caseID uint64, audience string) []string {
	e.t.Helper()
	rows, _, err := e.db.ListOutbox(context.Background(), models.OutboxFilter{CaseID: caseID, Limit: 500})
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for i := len(rows) - 1; i >= 0; i-- {
		r := rows[i]
		if r.Audience != audience {
			continue
		}
		msg, err := notify.DecodeMessage(r.Kind, r.Payload)
		if err != nil {
			e.t.Fatal(err)
		}
		if msg.Card != nil {
			out = append(out, "card:"+msg.Card.Title)
		} else {
			out = append(out, msg.Text)
		}
	}
	return out
}

// events returns a case's event types after "created".
func (e *env) events(caseID uint64) []string {
	evs, err := e.db.CaseEvents(context.Background(), caseID)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, ev := range evs[1:] {
		out = append(out, ev.Type)
	}
	return out
}

func at(day, hm string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", day+" "+hm, cst)
	if err != nil {
		panic(err)
	}
	return t
}

func countPrefix(ss []string, prefix string) int {
	n := 0
	for _, s := range ss {
		if strings.HasPrefix(s, prefix) {
			n++
		}
	}
	return n
}

func decode(t *testing.T, r models.Outbox) string {
	t.Helper()
	msg, err := notify.DecodeMessage(r.Kind, r.Payload)
	if err != nil {
		t.Fatal(err)
	}
	if msg.Card != nil {
		return "card:" + msg.Card.Title
	}
	return msg.Text
}
