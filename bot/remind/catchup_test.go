package remind

import (
	"context"
	"strings"
	"testing"

	"tapline/models"
)

// TestWarningAlreadyRecordedMovesOn: a deadline whose warning was
// recorded before its warning step fired (seeded or imported data) fires
// without error: the warning stays one, the step's messages go out once
// and the row moves on (issue 14: UNIQUE constraint failed:
// warnings.deadline_id, retried without end).
func TestWarningAlreadyRecordedMovesOn(t *testing.T) {
	e := newEnv(t)
	c := e.file("billing", "文三路1号", false, "13800000002")
	dls, _ := e.db.CaseDeadlines(context.Background(), c.ID)
	d := dls[0]
	w := models.Warning{CaseID: c.ID, DeadlineID: d.ID, Stage: d.Stage, Department: c.Department, DueAt: d.DueAt, CreatedAt: d.DueAt}
	if err := e.db.Gorm().Create(&w).Error; err != nil {
		t.Fatal(err)
	}
	e.runUntil(d.DueAt)
	ws, _ := e.db.Warnings(context.Background(), at("2026-11-27", "00:00"))
	if len(ws) != 1 {
		t.Fatalf("%d warnings, want the one recorded", len(ws))
	}
	if head := e.sent(c.ID, "business.head"); len(head) != 1 || !strings.HasPrefix(head[0], "⚠️ 超时警告") {
		t.Fatalf("head got %q", head)
	}
	after, _ := e.db.FindDeadline(context.Background(), d.ID)
	if after.Step != e.svc.Plan().WarnStep(d.Stage)+1 || !after.NextAt.After(d.DueAt) {
		t.Fatalf("deadline at step %d next %s", after.Step, after.NextAt)
	}
}

// TestOverdueStepsFoldIntoOne: when the workers were down for days, the
// steps due meanwhile fire as one: the warning is recorded, the latest
// escalation goes to the GM once with the lower rungs told, and the
// clock waits for its next escalation.
func TestOverdueStepsFoldIntoOne(t *testing.T) {
	e := newEnv(t)
	c := e.file("pipe_leak", "幸福小区3栋", false, "13800000001")
	dls, _ := e.db.CaseDeadlines(context.Background(), c.ID)
	d := dls[0]
	e.clock.Set(at("2026-12-01", "15:10")) // four working days later
	if err := e.svc.Fire(context.Background(), d.ID, d.Step); err != nil {
		t.Fatal(err)
	}
	if got := e.events(c.ID); strings.Join(got, ",") != "deadline_escalate" {
		t.Fatalf("events %v, want one escalation", got)
	}
	ws, _ := e.db.Warnings(context.Background(), at("2026-11-27", "00:00"))
	if len(ws) != 1 || ws[0].Responsible != "construction.head" {
		t.Fatalf("warnings %+v", ws)
	}
	gm, head := e.sent(c.ID, "gm"), e.sent(c.ID, "construction.head")
	if len(gm) != 1 || !strings.Contains(gm[0], "升级至总经理") || !strings.Contains(gm[0], "已记录警告") {
		t.Fatalf("gm got %q", gm)
	}
	if len(head) != 1 {
		t.Fatalf("head got %q", head)
	}
	after, _ := e.db.FindDeadline(context.Background(), d.ID)
	if !after.NextAt.After(e.clock.Now()) || after.Level < 3 {
		t.Fatalf("deadline after catching up: step %d level %d next %s", after.Step, after.Level, after.NextAt)
	}
	if due, _ := e.db.DueDeadlines(context.Background(), e.clock.Now(), 10); len(due) != 0 {
		t.Fatalf("%d deadlines still due", len(due))
	}
}
