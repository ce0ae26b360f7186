package console

import (
	"context"
	"fmt"
	"time"

	"tapline/bot/remind"
	"tapline/models"
)

// stageRow is one deadline of a case as its page shows it.
type stageRow struct {
	Stage string    // the stage's Chinese name (remind.StageName)
	Due   time.Time // shown in China Standard Time
	State string    // 已完成, 已超时, 进行中, …
	Badge string    // css class: done, overdue, running, stopped
	Late  string    // how late ("超时 2小时5分钟"), or the time left
}

// stageRows reads the case's deadlines, oldest first, each with its
// state at now (policy 4.2–4.3: every stage has its time limit).
func (c *Console) stageRows(ctx context.Context, caseID uint64) ([]stageRow, error) {
	if c.records == nil {
		return nil, nil
	}
	dls, err := c.records.CaseDeadlines(ctx, caseID)
	if err != nil {
		return nil, err
	}
	now := c.now()
	rows := make([]stageRow, 0, len(dls))
	for _, d := range dls {
		rows = append(rows, stageRowOf(d, now))
	}
	return rows, nil
}

// stageRowOf is the state of one deadline at now.
func stageRowOf(d *models.Deadline, now time.Time) stageRow {
	r := stageRow{Stage: remind.StageName(d.Stage), Due: d.DueAt}
	switch d.Status {
	case models.DeadlineDone:
		r.State, r.Badge = "已完成", "done"
		if d.DoneAt != nil && d.DoneAt.After(d.DueAt) {
			r.State, r.Badge, r.Late = "超时完成", "overdue", "超时 "+span(d.DoneAt.Sub(d.DueAt))
		}
	case models.DeadlineDropped:
		r.State, r.Badge = "已停止", "stopped"
	case models.DeadlinePaused: // the case is suspended (挂起): the allowance left waits
		r.State, r.Badge, r.Late = "已挂起", "stopped", "剩 "+span(time.Duration(d.RemainingMs)*time.Millisecond)
	default: // running, or parked after failing firings: the stage is not done
		r.State, r.Badge, r.Late = "进行中", "running", "剩 "+span(d.DueAt.Sub(now))
		if now.After(d.DueAt) {
			r.State, r.Badge, r.Late = "已超时", "overdue", "超时 "+span(now.Sub(d.DueAt))
		}
		if d.Status == models.DeadlineParked {
			r.State += "（提醒暂停）"
		}
	}
	return r
}

// span writes a duration in days, hours and minutes ("1天2小时", "45分钟").
func span(d time.Duration) string {
	m := int(d.Round(time.Minute) / time.Minute)
	days, hours, mins := m/(24*60), m/60%24, m%60
	switch {
	case days > 0 && hours > 0:
		return fmt.Sprintf("%d天%d小时", days, hours)
	case days > 0:
		return fmt.Sprintf("%d天", days)
	case hours > 0 && mins > 0:
		return fmt.Sprintf("%d小时%d分钟", hours, mins)
	case hours > 0:
		return fmt.Sprintf("%d小时", hours)
	default:
		return fmt.Sprintf("%d分钟", max(mins, 1))
	}
}
