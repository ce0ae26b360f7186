package intake

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"tapline/bot"
	"tapline/bot/dialog"
	"tapline/bot/policy"
	"tapline/models"
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

func newService(t *testing.T) (*Service, *fakeEnq, models.CaseService, models.OutboxService) {
	t.Helper()
	p, err := policy.Load("../../configs/policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p.Departments["quality"].Group = policy.Group{WeComRobotKey: "wecom-key-quality", DingTalkToken: "dt-token", DingTalkSecret: "SEC123"}
	db := storetest.Open(t)
	enq := &fakeEnq{}
	return New(p, db, enq, bot.SystemClock{}, slog.New(slog.DiscardHandler), WithPublicURL("https://tapline.example/")), enq, db, db
}

func draft(key string) *dialog.Draft {
	return &dialog.Draft{Key: key, ResidentID: "o-" + key, Category: "water_quality", Name: "张三丰",
		Address: "幸福路12号3栋", Phone: "13812345678", Details: "自来水发黄两天了", Expectation: "尽快处理"}
}

func TestFileRoutesAndCardsMasked(t *testing.T) {
	s, enq, cases, outbox := newService(t)
	ctx := context.Background()
	num, err := s.File(ctx, draft("k1"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := cases.FindCaseByNumber(ctx, num)
	if err != nil {
		t.Fatal(err)
	}
	if c.Department != "quality" || c.Status != models.StatusAssigned || c.Major { // policy 3.8
		t.Fatalf("case routed wrong: %+v", c)
	}
	rows, _, err := outbox.ListOutbox(ctx, models.OutboxFilter{CaseID: c.ID})
	if err != nil {
		t.Fatal(err)
	}
	channels := map[string]string{}
	for _, r := range rows {
		channels[r.Channel] = r.Target
		if strings.Contains(r.Payload, "13812345678") || strings.Contains(r.Payload, "张三丰") {
			t.Fatalf("personal data unmasked in card: %s", r.Payload)
		}
		var m bot.Message
		if err := json.Unmarshal([]byte(r.Payload), &m); err != nil || m.Card == nil {
			t.Fatalf("payload: %v %s", err, r.Payload)
		}
		if m.Card.CaseNumber != num || m.Card.Phone != "138****5678" || m.Card.Name != "张**" || m.Card.Department != "水质检测室" {
			t.Fatalf("card: %+v", m.Card)
		}
		if m.Card.URL != "https://tapline.example/console/cases/"+num {
			t.Fatalf("url %q", m.Card.URL)
		}
	}
	if len(rows) != 2 || channels[models.ChannelWeComRobot] != "wecom-key-quality" || channels[models.ChannelDingTalkRobot] == "" {
		t.Fatalf("rows: %v", channels)
	}
	if len(enq.ids) != 2 {
		t.Fatalf("enqueued %v", enq.ids)
	}
}

func TestFileIsIdempotentAndMajorGoesToLeaders(t *testing.T) {
	s, enq, cases, outbox := newService(t)
	ctx := context.Background()
	d := draft("k2")
	d.Category, d.Details = "billing", "水费多收了三百块，不解决我就找记者曝光"
	n1, err := s.File(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	n2, err := s.File(ctx, d)
	if err != nil || n1 != n2 {
		t.Fatalf("second file: %q %v, first %q", n2, err, n1)
	}
	c, _ := cases.FindCaseByNumber(ctx, n1)
	if !c.Major || c.MajorReason != "media" || c.Department != "business" { // policy 4.1.3, 3.3
		t.Fatalf("case: major=%v reason=%q dept=%q", c.Major, c.MajorReason, c.Department)
	}
	rows, total, _ := outbox.ListOutbox(ctx, models.OutboxFilter{CaseID: c.ID})
	audiences := map[string]bool{}
	for _, r := range rows {
		audiences[r.Audience] = r.Channel == models.ChannelSink
	}
	if total != 2 || !audiences["business"] || !audiences["leaders"] {
		t.Fatalf("rows %d %v", total, audiences)
	}
	if len(enq.ids) != 2 {
		t.Fatalf("enqueued twice for one case: %v", enq.ids)
	}
}

func TestSupplementAndOwnCases(t *testing.T) {
	s, _, cases, outbox := newService(t)
	ctx := context.Background()
	d := &dialog.Draft{Key: "k3", ResidentID: "o-3", Category: "pipe_leak", Details: "楼下水管爆了", Major: "safety", Emergency: "burst_main"}
	num, err := s.File(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	d.Number, d.Name, d.Phone, d.Address = num, "李四", "0571-88886666", "人民路8号"
	if err := s.Supplement(ctx, d); err != nil {
		t.Fatal(err)
	}
	c, _ := cases.FindCaseByNumber(ctx, num)
	if c.Phone != "0571-88886666" || c.Address != "人民路8号" || !c.Major {
		t.Fatalf("after supplement: %+v", c)
	}
	d.Expectation = "尽快抢修"
	if err := s.Supplement(ctx, d); err != nil {
		t.Fatal(err)
	}
	// The department's supplement cards are one card, held a moment: only
	// the latest of them is posted (bot/notify skips superseded states).
	rows, _, err := outbox.ListOutbox(ctx, models.OutboxFilter{CaseID: c.ID, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	held := 0
	for _, r := range rows {
		if r.Audience == "construction" && strings.Contains(r.Payload, supplementTitle) {
			held++
			if r.CardKey != SupplementKey(num) || !r.NextAt.After(time.Now().Add(10*time.Second)) {
				t.Errorf("supplement row %+v: not one held card", r)
			}
		}
	}
	if held != 2 {
		t.Errorf("%d supplement rows to the department, want 2", held)
	}
	if _, err := s.File(ctx, draft("other")); err != nil {
		t.Fatal(err)
	}
	own, err := s.ResidentCases(ctx, "o-3", 10)
	if err != nil || len(own) != 1 || own[0].Number != num {
		t.Fatalf("own cases: %v %v", own, err)
	}
}
