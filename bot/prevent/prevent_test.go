package prevent

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"tapline/bot/address"
	"tapline/bot/policy"
	"tapline/models"
	"tapline/models/store"
	"tapline/models/store/storetest"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type nopEnq struct{}

func (nopEnq) Enqueue(context.Context, ...uint64) error { return nil }

type env struct {
	t     *testing.T
	db    *store.DB
	clk   *clock
	svc   *Service
	cases int
}

func newEnv(t *testing.T) *env {
	p, err := policy.Load("../../configs/policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return newEnvWith(t, p)
}

// newEnvWith is newEnv on policy p.
func newEnvWith(t *testing.T, p *policy.Policy) *env {
	clk := &clock{t: time.Date(2026, 10, 1, 2, 0, 0, 0, time.UTC)}
	db := storetest.OpenConfig(t, store.Config{Now: clk.Now})
	svc := New(p, db, db, address.Book{Policy: p, Direct: models.ChannelSink}, nopEnq{}, clk, slog.New(slog.DiscardHandler))
	return &env{t: t, db: db, clk: clk, svc: svc}
}

func (e *env) file(category, dept, area string) {
	e.t.Helper()
	e.cases++
	_, _, err := e.db.CreateCase(context.Background(), &models.NewCase{Case: models.Case{
		DraftKey: fmt.Sprintf("p%d", e.cases), Status: models.StatusAssigned, Source: models.SourceWeChat,
		Category: category, Department: dept, AreaKey: area, Name: "王", Address: area + "1号", Phone: "13800000000", Details: "x"}})
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) texts(audience string) []string {
	e.t.Helper()
	rows, _, err := e.db.ListOutbox(context.Background(), models.OutboxFilter{Limit: 500})
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		if r.Audience == audience {
			out = append(out, r.Payload)
		}
	}
	return out
}

// TestPreventionItem runs policy 4.4.2 end to end: a recurring cluster is
// found once; only its owner drafts; only the GM approves, and the measure
// reaches every department; the effect is checked after the window.
func TestPreventionItem(t *testing.T) {
	e := newEnv(t)
	for range 3 {
		e.file("water_pressure", "supply", "幸福小区")
	}
	e.file("water_pressure", "supply", "阳光花园") // one complaint elsewhere: no item
	items, err := e.svc.Detect(context.Background())
	if err != nil || len(items) != 1 || items[0].Owner != "leader.b" || items[0].AreaKey != "幸福小区" {
		t.Fatalf("items %+v %v", items, err)
	}
	if again, _ := e.svc.Detect(context.Background()); len(again) != 0 {
		t.Fatalf("found twice: %+v", again)
	}
	id := fmt.Sprintf("P%d", items[0].ID)
	if len(e.texts("leader.b")) != 1 || !strings.Contains(e.texts("leader.b")[0], "预防 "+id) {
		t.Fatalf("owner not told: %q", e.texts("leader.b"))
	}
	ctx := context.Background()
	e.clk.add(time.Hour) // the leaders act an hour later
	steps := []struct {
		fn        func(context.Context, string, string) (string, error)
		who, text string
		want      string
	}{
		{e.svc.Draft, "leader.a", id + " 加装增压泵", "分管领导乙"}, // not the owner
		{e.svc.Draft, "leader.b", id, "请写明预防措施"},
		{e.svc.Draft, "leader.b", "P999 x", "没有预防事项 P999"},
		{e.svc.Approve, "leader.b", id, "总经理审批"}, // nothing drafted yet and not the GM
		{e.svc.Draft, "leader.b", id + " 加装增压泵", "等待总经理审批"},
		{e.svc.Reject, "gm", id, "写明理由"},
		{e.svc.Reject, "gm", id + " 先查管网", "已驳回"},
		{e.svc.Draft, "leader.b", id + "：排查管网并加装增压泵", "等待总经理审批"},
		{e.svc.Approve, "leader.a", id, "由总经理审批"},
		{e.svc.Approve, "gm", id, "已通报各部门"},
		{e.svc.Approve, "gm", id, "没有待审批"},
	}
	for i, s := range steps {
		got, err := s.fn(ctx, s.who, s.text)
		if err != nil || !strings.Contains(got, s.want) {
			t.Fatalf("step %d %s %q: %q %v, want %q", i, s.who, s.text, got, err, s.want)
		}
	}
	for _, d := range e.svc.policy.DepartmentKeys() {
		if got := e.texts(d); len(got) != 1 || !strings.Contains(got[0], "排查管网并加装增压泵") {
			t.Fatalf("department %s got %q", d, got)
		}
	}
	if n, _ := e.svc.CheckEffects(ctx); n != 0 {
		t.Fatal("checked before the window passed")
	}
	e.clk.add(31 * 24 * time.Hour)
	e.file("water_pressure", "supply", "幸福小区") // one after the measure (created 31 days later: outside the window)
	n, err := e.svc.CheckEffects(ctx)
	p, _ := e.db.FindPrevention(ctx, items[0].ID)
	if n != 1 || err != nil || p.Status != models.PreventionChecked || !strings.Contains(p.Effect, "措施前30天 3 件，措施后30天 0 件，已下降") {
		t.Fatalf("effect: %d %v %+v", n, err, p)
	}
	// A new recurrence of the same place may open a new item now.
	if list, _ := e.svc.List(ctx); !strings.Contains(list, "没有进行中") {
		t.Fatalf("list %q", list)
	}
}

// TestFindingsOneDigest: many recurrences found at once (a seeded month,
// a server started after days off) are one message to the leaders' group
// and one to each owner, not one per finding (issue 14: 31 at start-up).
func TestFindingsOneDigest(t *testing.T) {
	e := newEnv(t)
	for _, area := range []string{"幸福小区", "阳光花园", "翠湖苑", "梧桐里"} {
		for range 3 {
			e.file("water_pressure", "supply", area) // leader.b's
		}
	}
	for range 3 {
		e.file("billing", "business", "文化路") // leader.a's
	}
	items, err := e.svc.Detect(context.Background())
	if err != nil || len(items) != 6 { // five estates and 供水股's twelve 水压 complaints

		t.Fatalf("items %d %v", len(items), err)
	}
	leaders, b, a := e.texts("leaders"), e.texts("leader.b"), e.texts("leader.a")
	if len(leaders) != 1 || len(b) != 1 || len(a) != 1 {
		t.Fatalf("messages: leaders %d, leader.b %d, leader.a %d; want one each", len(leaders), len(b), len(a))
	}
	for _, p := range items {
		if !strings.Contains(leaders[0], fmt.Sprintf("P%d ", p.ID)) {
			t.Errorf("the leaders' digest lacks P%d: %s", p.ID, leaders[0])
		}
	}
	if !strings.Contains(leaders[0], "新发现 6 项") || strings.Count(b[0], `\n`) != 6 || strings.Contains(a[0], "幸福小区") {
		t.Fatalf("digests:\n%s\n%s\n%s", leaders[0], b[0], a[0])
	}
	if again, _ := e.svc.Detect(context.Background()); len(again) != 0 || len(e.texts("leaders")) != 1 {
		t.Fatal("found or told twice")
	}
}
