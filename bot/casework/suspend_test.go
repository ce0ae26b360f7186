package casework

import (
	"context"
	"strings"
	"testing"
	"time"

	"tapline/models"
)

// TestSuspendPausesTheClocks: 挂起 (head only, with a reason) pauses the
// running clock with its allowance; nothing fires and no status change is
// taken while suspended; 恢复 runs it again with what it had left.
func TestSuspendPausesTheClocks(t *testing.T) {
	e := newClockEnv(t)
	ctx := context.Background()
	c := e.file("supply", false, "")
	e.say("supply.crew", "接单 "+c.Number)
	mustContain(t, e.say("supply.crew", "挂起 "+c.Number+" 等燃气公司配合开挖"), "需要由供水股负责人")
	mustContain(t, e.say("supply.head", "挂起 "+c.Number), "「挂起」需要写明挂起的理由")
	e.clock.Add(time.Hour)
	mustContain(t, e.say("supply.head", "挂起 "+c.Number+" 等燃气公司配合开挖"), "已挂起")
	d := e.clockOf(c, models.StageMeasures)
	if d.Status != models.DeadlinePaused || d.RemainingMs <= 0 {
		t.Fatalf("after 挂起: %+v", d)
	}
	left := time.Duration(d.RemainingMs) * time.Millisecond
	mustContain(t, e.say("supply.crew", "措施 "+c.Number+" 明天上午上门更换"), "已挂起（等燃气公司配合开挖）", "「恢复」")
	mustContain(t, e.say("supply.crew", "进展 "+c.Number+" 已联系燃气公司"), "已记录")
	mustContain(t, e.say("supply.head", "挂起 "+c.Number+" 再挂起一次"), "已于")
	if err := e.svc.remind.Fire(ctx, d.ID, d.Step); err != nil {
		t.Fatal(err)
	}
	if got := e.clockOf(c, models.StageMeasures); got.Step != d.Step || got.Status != models.DeadlinePaused {
		t.Fatalf("a paused clock fired: %+v", got)
	}
	e.clock.Add(10 * 24 * time.Hour)
	mustContain(t, e.say("supply.head", "恢复 "+c.Number), "已恢复")
	r := e.clockOf(c, models.StageMeasures)
	now := e.clock.Now()
	if r.Status != models.DeadlineRunning || !r.DueAt.After(now) || r.Step != d.Step || r.NextAt.Before(now) {
		t.Fatalf("after 恢复: %+v", r)
	}
	if got := e.svc.remind.Plan().Calendar.Between(now, r.DueAt); got < left-time.Second || got > left+time.Second {
		t.Fatalf("resumed with %v left, paused with %v", got, left)
	}
	mustContain(t, e.say("supply.head", "恢复 "+c.Number), "没有挂起")
	mustContain(t, e.say("supply.crew", "措施 "+c.Number+" 明天上午上门更换"), "已提交")
	if got := e.clockOf(c, models.StageMeasures); got.Status != models.DeadlineDone {
		t.Fatalf("the resumed clock did not stop with its stage: %+v", got)
	}
	head, crew := e.say("supply.head", "帮助"), e.say("supply.crew", "帮助")
	if !strings.Contains(head, "挂起 TS") || !strings.Contains(head, "恢复 TS") || strings.Contains(crew, "挂起") {
		t.Fatalf("help: head %q crew %q", head, crew)
	}
}

// clockOf returns the case's latest deadline of stage.
func (e *env) clockOf(c *models.Case, stage string) *models.Deadline {
	e.t.Helper()
	dls, err := e.db.CaseDeadlines(context.Background(), c.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	var last *models.Deadline
	for _, d := range dls {
		if d.Stage == stage {
			last = d
		}
	}
	if last == nil {
		e.t.Fatalf("no %s clock", stage)
	}
	return last
}
