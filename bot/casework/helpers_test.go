package casework

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tapline/bot"
	"tapline/bot/policy"
	"tapline/models"
	"tapline/models/store"
	"tapline/models/store/storetest"
)

type fakeEnq struct {
	mu  sync.Mutex
	ids []uint64
}

func (f *fakeEnq) Enqueue(_ context.Context, ids ...uint64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ids = append(f.ids, ids...)
	return nil
}

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type env struct {
	t     *testing.T
	p     *policy.Policy
	db    *store.DB
	svc   *Service
	enq   *fakeEnq
	clock *fakeClock
}

var draftSeq atomic.Int64

func newEnv(t *testing.T, opts ...Option) *env {
	t.Helper()
	p, err := policy.Load("../../configs/policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	clk := &fakeClock{t: time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)}
	db := storetest.OpenConfig(t, store.Config{Now: clk.Now})
	enq := &fakeEnq{}
	svc := New(p, db, db, enq, clk, slog.New(slog.DiscardHandler), opts...)
	return &env{t: t, p: p, db: db, svc: svc, enq: enq, clock: clk}
}

// file creates an assigned case in dept; resident "" files a phone case.
func (e *env) file(dept string, major bool, resident string) *models.Case {
	e.t.Helper()
	cat := map[string]string{"quality": "water_quality", "business": "billing", "construction": "pipe_leak",
		"supply": "water_pressure", "hotline": "other"}[dept]
	nc := &models.NewCase{Case: models.Case{
		DraftKey: fmt.Sprintf("d-%d", draftSeq.Add(1)), Status: models.StatusAssigned, Source: models.SourceWeChat,
		ResidentID: resident, Category: cat, Department: dept, Major: major, Name: "张三丰",
		Address: "幸福路12号", Phone: "13812345678", Details: "自来水发黄两天了", Expectation: "尽快处理",
	}}
	if major {
		nc.Case.MajorReason = "media"
	}
	c, _, err := e.db.CreateCase(context.Background(), nc)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func staffText(id, text string) bot.Update {
	return bot.Update{Platform: bot.PlatformWeCom, Kind: bot.KindText, SenderID: id, Text: text}
}

func click(id, key string) bot.Update {
	return bot.Update{Platform: bot.PlatformDingTalk, Kind: bot.KindEvent, SenderID: id, Event: "card_click", EventKey: key}
}

func residentText(openID, text string) bot.Update {
	return bot.Update{Platform: bot.PlatformWeChat, Kind: bot.KindText, SenderID: openID, Text: text}
}

// do sends a staff update and returns the reply text.
func (e *env) do(u bot.Update) string {
	e.t.Helper()
	r, err := e.svc.Handle(context.Background(), u)
	if err != nil {
		e.t.Fatalf("handle %q: %v", u.Text+u.EventKey, err)
	}
	return r.Text
}

// say sends staff text.
func (e *env) say(id, text string) string { e.t.Helper(); return e.do(staffText(id, text)) }

// resident sends resident text; it must be handled.
func (e *env) resident(openID, text string) string {
	e.t.Helper()
	r, handled, err := e.svc.Resident(context.Background(), residentText(openID, text))
	if err != nil || !handled {
		e.t.Fatalf("resident %q: handled=%v err=%v", text, handled, err)
	}
	return r.Text
}

func (e *env) status(c *models.Case) string {
	e.t.Helper()
	got, err := e.db.FindCaseByNumber(context.Background(), c.Number)
	if err != nil {
		e.t.Fatal(err)
	}
	return got.Status
}

func (e *env) mustStatus(c *models.Case, want string) {
	e.t.Helper()
	if got := e.status(c); got != want {
		e.t.Fatalf("case %s status %q, want %q", c.Number, got, want)
	}
}

func (e *env) work(c *models.Case) *models.CaseWork {
	e.t.Helper()
	w, err := e.db.CaseWork(context.Background(), c.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return w
}

func (e *env) events(c *models.Case, typ string) []*models.CaseEvent {
	e.t.Helper()
	evs, err := e.db.CaseEvents(context.Background(), c.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []*models.CaseEvent
	for _, ev := range evs {
		if ev.Type == typ {
			out = append(out, ev)
		}
	}
	return out
}

// outbox returns the case's rows with their decoded messages, oldest first.
func (e *env) outbox(c *models.Case) []row {
	e.t.Helper()
	rows, _, err := e.db.ListOutbox(context.Background(), models.OutboxFilter{CaseID: c.ID, Limit: 500})
	if err != nil {
		e.t.Fatal(err)
	}
	var out []row
	for i := len(rows) - 1; i >= 0; i-- {
		var m bot.Message
		if err := json.Unmarshal([]byte(rows[i].Payload), &m); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, row{Outbox: rows[i], msg: m})
	}
	return out
}

type row struct {
	*models.Outbox
	msg bot.Message
}

// rowsTo filters rows by audience.
func rowsTo(rows []row, audience string) []row {
	var out []row
	for _, r := range rows {
		if r.Audience == audience {
			out = append(out, r)
		}
	}
	return out
}

func mustContain(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Fatalf("reply %q does not contain %q", got, w)
		}
	}
}
