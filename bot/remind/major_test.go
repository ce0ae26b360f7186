package remind

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"tapline/models"
)

// TestMajorAckClimbsToGM: a major case alerts the leaders' group, the
// leader in charge and the GM at once; without an acknowledgement the
// leader is reminded at 10 and 20 minutes and the GM alerted at 30; an
// acknowledgement stops it (policy 4.1.3).
func TestMajorAckClimbsToGM(t *testing.T) {
	e := newEnv(t)
	e.clock.Set(at("2026-11-28", "03:00")) // Saturday night: wall clock
	c := e.file("pipe_leak", "幸福小区3栋", true, "13800000001")
	if got := e.sent(c.ID, "leaders"); len(got) != 1 || !strings.HasPrefix(got[0], "card:🚨 重大投诉") {
		t.Fatalf("leaders' group alert %q", got)
	}
	if len(e.sent(c.ID, "leader.b")) != 1 || len(e.sent(c.ID, "gm")) != 1 {
		t.Fatal("leader in charge and GM not alerted directly")
	}
	e.runUntil(at("2026-11-28", "03:29"))
	leader := e.sent(c.ID, "leader.b")
	if len(leader) != 3 || countPrefix(leader[1:], "⏰ 提醒") != 2 || !strings.Contains(leader[1], "已阅 "+c.Number) {
		t.Fatalf("leader reminders %q", leader)
	}
	if len(e.sent(c.ID, "gm")) != 1 {
		t.Fatal("GM alerted again before 30 minutes")
	}
	e.runUntil(at("2026-11-28", "03:31"))
	if gm := e.sent(c.ID, "gm"); len(gm) != 2 || !strings.HasPrefix(gm[1], "⚠️ 超时警告") {
		t.Fatalf("GM after 30 minutes %q", e.sent(c.ID, "gm"))
	}
	ack(t, e, c)
	e.runUntil(at("2026-11-28", "05:00"))
	if gm := e.sent(c.ID, "gm"); strings.Count(strings.Join(gm, "\n"), "重大投诉领导确认") != 1 {
		t.Fatalf("GM alerted after the acknowledgement: %q", gm)
	}
	// The authority report clock (urgent) still runs until recorded.
	if !strings.Contains(strings.Join(e.sent(c.ID, "gm"), "")+strings.Join(e.digests("leaders"), ""), "已上报住建") {
		t.Fatal("no reminder to record the authority report")
	}
}

func ack(t *testing.T, e *env, c *models.Case) {
	t.Helper()
	cur, err := e.db.FindCaseByID(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.db.Apply(context.Background(), &models.Transition{CaseID: c.ID, Version: cur.Version, ToStatus: cur.Status,
		Event: models.CaseEvent{Type: ActAck}, StopStages: []string{models.StageMajorAck}, StopIncident: cur.IncidentID})
	if err != nil {
		t.Fatal(err)
	}
}

// TestClusterOneIncident: three households of one estate reporting the
// same problem at once make one incident; every case is major (group),
// leadership is alerted once; a fourth joins the incident; another estate
// stays apart.
func TestClusterOneIncident(t *testing.T) {
	e := newEnv(t)
	var cases []*models.Case
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i, addr := range []string{"幸福小区3栋", "人民路88号幸福小区5栋", "幸福小区12幢1单元"} {
		wg.Add(1)
		go func(i int, addr string) {
			defer wg.Done()
			c := e.file("water_pressure", addr, false, "1390000000"+string(rune('1'+i)))
			mu.Lock()
			cases = append(cases, c)
			mu.Unlock()
		}(i, addr)
	}
	wg.Wait()
	var wg2 sync.WaitGroup
	for _, c := range cases { // each filing clusters after its commit, concurrently
		wg2.Add(1)
		go func(c *models.Case) {
			defer wg2.Done()
			if _, err := e.svc.Cluster(context.Background(), c); err != nil {
				t.Error(err)
			}
		}(c)
	}
	wg2.Wait()
	var incs []models.Incident
	if err := e.db.Gorm().Find(&incs).Error; err != nil || len(incs) != 1 || incs[0].Households != 3 {
		t.Fatalf("incidents %+v %v", incs, err)
	}
	linked, _ := e.db.IncidentCases(context.Background(), incs[0].ID)
	for _, c := range linked {
		if !c.Major || c.MajorReason != "group" {
			t.Fatalf("case %s major=%v %q", c.Number, c.Major, c.MajorReason)
		}
	}
	var alerts int64
	e.db.Gorm().Model(&models.Outbox{}).Where("audience = ? AND payload LIKE ?", "leaders", "%群体性事件%").Count(&alerts)
	if len(linked) != 3 || alerts != 1 {
		t.Fatalf("%d linked, %d alerts", len(linked), alerts)
	}
	e.clock.Set(e.clock.Now().Add(time.Hour))
	fourth := e.file("water_pressure", "幸福小区7栋", false, "13900000009")
	other := e.file("water_pressure", "阳光花园1幢", false, "13900000008")
	for _, c := range []*models.Case{fourth, other} {
		if _, err := e.svc.Cluster(context.Background(), c); err != nil {
			t.Fatal(err)
		}
	}
	f, _ := e.db.FindCaseByID(context.Background(), fourth.ID)
	o, _ := e.db.FindCaseByID(context.Background(), other.ID)
	if f.IncidentID != incs[0].ID || !f.Major || o.IncidentID != 0 || o.Major {
		t.Fatalf("fourth %d/%v, other %d/%v", f.IncidentID, f.Major, o.IncidentID, o.Major)
	}
	// One acknowledgement on any case of the incident stops its clock.
	ack(t, e, f)
	dls, _ := e.db.CaseDeadlines(context.Background(), incs[0].LeadCaseID)
	for _, d := range dls {
		if d.Stage == models.StageMajorAck && d.Status != models.DeadlineDone {
			t.Fatalf("incident clock still %s", d.Status)
		}
	}
}
