package remind

import (
	"context"
	"strings"
	"sync"
	"testing"

	"tapline/models"
)

// TestAcceptLadder runs an ordinary case's accept clock through a working
// day: two reminders to the department group, the warning recorded against
// the department head at the deadline, then the leader in charge and the
// GM, each once.
func TestAcceptLadder(t *testing.T) {
	e := newEnv(t)
	c := e.file("pipe_leak", "幸福小区3栋", false, "13800000001")
	e.runUntil(at("2026-11-27", "16:10"))

	group := e.sent(c.ID, "construction")
	if len(group) != 0 {
		t.Fatalf("reminders went out as single messages, want digests only: %q", group)
	}
	if got := e.events(c.ID); strings.Join(got, ",") != "deadline_warn,deadline_escalate,deadline_escalate,deadline_escalate" {
		t.Fatalf("events %v", got)
	}
	ws, err := e.db.Warnings(context.Background(), at("2026-11-27", "00:00"))
	if err != nil || len(ws) != 1 {
		t.Fatalf("warnings %v %v", ws, err)
	}
	if w := ws[0]; w.Department != "construction" || w.Responsible != "construction.head" || w.Stage != models.StageAccept {
		t.Fatalf("warning %+v", w)
	}
	head, leader, gm := e.sent(c.ID, "construction.head"), e.sent(c.ID, "leader.b"), e.sent(c.ID, "gm")
	if len(head) != 1 || !strings.HasPrefix(head[0], "⚠️ 超时警告") {
		t.Fatalf("head got %q", head)
	}
	if len(leader) != 1 || !strings.Contains(leader[0], "升级至分管领导") {
		t.Fatalf("leader got %q", leader)
	}
	if len(gm) != 2 || !strings.Contains(gm[0], "升级至总经理") { // 15:00 and 16:00
		t.Fatalf("gm got %q", gm)
	}
	digests := e.digests("construction")
	if len(digests) != 6 { // 10:30, 10:48, 11:00, 12:00 (head), 13:30… one per minute window
		t.Logf("digests %q", digests)
	}
	if countPrefix(digests, "⏰ 提醒") != 2 {
		t.Fatalf("want 2 reminders in the group, got %q", digests)
	}
}

// TestStopCancels: accepting the case stops the accept clock; nothing more
// fires for it.
func TestStopCancels(t *testing.T) {
	e := newEnv(t)
	c := e.file("pipe_leak", "幸福小区3栋", false, "13800000001")
	e.runUntil(at("2026-11-27", "10:35")) // the first reminder
	start, stop := e.svc.Plan().Transition(c, c.Status, models.StatusAccepted, e.clock.Now())
	_, err := e.db.Apply(context.Background(), &models.Transition{CaseID: c.ID, Version: c.Version,
		ToStatus: models.StatusAccepted, Event: models.CaseEvent{Type: "accept"}, Deadlines: start, StopStages: stop})
	if err != nil {
		t.Fatal(err)
	}
	e.runUntil(at("2026-11-27", "12:00"))
	if got := e.events(c.ID); strings.Join(got, ",") != "accept" {
		t.Fatalf("events after accept: %v", got)
	}
	dls, _ := e.db.CaseDeadlines(context.Background(), c.ID)
	if len(dls) != 2 || dls[0].Status != models.DeadlineDone || dls[1].Stage != models.StageMeasures ||
		dls[1].Status != models.DeadlineRunning {
		t.Fatalf("deadlines %+v %+v", dls[0], dls[1])
	}
}

// TestVanishedOrMovedOnDropped: a timer whose case vanished, or whose case
// is in another stage, is dropped and never sends.
func TestVanishedOrMovedOnDropped(t *testing.T) {
	e := newEnv(t)
	gone := e.file("billing", "文三路1号", false, "13800000002")
	moved := e.file("billing", "文三路2号", false, "13800000003")
	if err := e.db.Gorm().Delete(&models.Case{}, gone.ID).Error; err != nil {
		t.Fatal(err)
	}
	if err := e.db.Gorm().Model(&models.Case{}).Where("id = ?", moved.ID).Update("status", models.StatusAgreed).Error; err != nil {
		t.Fatal(err)
	}
	e.runUntil(at("2026-11-28", "10:00"))
	for _, c := range []*models.Case{gone, moved} {
		dls, _ := e.db.CaseDeadlines(context.Background(), c.ID)
		if len(dls) != 1 || dls[0].Status != models.DeadlineDropped || dls[0].Step != 0 {
			t.Fatalf("case %d deadlines %+v", c.ID, dls[0])
		}
	}
	if d := e.digests("business"); len(d) != 0 {
		t.Fatalf("dropped timers sent %q", d)
	}
}

// TestExactlyOnceTwoWorkers: two workers fire the same step at once, many
// times over; one firing is written.
func TestExactlyOnceTwoWorkers(t *testing.T) {
	e := newEnv(t)
	c := e.file("billing", "文三路1号", false, "13800000002")
	dls, _ := e.db.CaseDeadlines(context.Background(), c.ID)
	d := dls[0]
	e.clock.Set(d.DueAt) // steps 0, 1 (reminders) and 2 (warning) are all due; fire the warning's predecessor chain
	workers := []*Service{e.svc, e.service()}
	for step := 0; step < 3; step++ {
		var wg sync.WaitGroup
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func(w *Service) {
				defer wg.Done()
				if err := w.Fire(context.Background(), d.ID, step); err != nil {
					t.Error(err)
				}
			}(workers[i%2])
		}
		wg.Wait()
	}
	ws, _ := e.db.Warnings(context.Background(), at("2026-11-27", "00:00"))
	if len(ws) != 1 {
		t.Fatalf("%d warnings, want 1", len(ws))
	}
	if got := e.events(c.ID); len(got) != 1 || got[0] != "deadline_warn" {
		t.Fatalf("events %v", got)
	}
	if head := e.sent(c.ID, "business.head"); len(head) != 1 {
		t.Fatalf("head got %d messages: %q", len(head), head)
	}
	after, _ := e.db.FindDeadline(context.Background(), d.ID)
	if after.Step != 3 {
		t.Fatalf("step %d, want 3", after.Step)
	}
}

// TestDigest: reminders of many cases due together reach their group as
// one message (PRODUCT D2, robots' 20-a-minute limit).
func TestDigest(t *testing.T) {
	e := newEnv(t)
	for i := 0; i < 6; i++ {
		e.file("billing", "文三路1号", false, "1380000001"+string(rune('0'+i)))
	}
	e.runUntil(at("2026-11-27", "11:00")) // every case's first reminder at 11:00
	d := e.digests("business")
	if len(d) != 1 || !strings.HasPrefix(d[0], "⏰ 催办汇总（6 条）") || strings.Count(d[0], "⏰ 提醒") != 6 {
		t.Fatalf("digests %q", d)
	}
}

// digests returns the texts of the digest rows for an audience.
func (e *env) digests(audience string) []string {
	e.t.Helper()
	var rows []models.Outbox
	if err := e.db.Gorm().Where("audience = ? AND digest_key IS NOT NULL", audience).Order("id").Find(&rows).Error; err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, decode(e.t, r))
	}
	return out
}
