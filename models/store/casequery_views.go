package store

import (
	"gorm.io/gorm"

	"tapline/models"
)

// clockStatuses are the deadline statuses of a clock that still counts:
// running, or parked after failing firings (still not done), as OverdueAt
// counts them.
var clockStatuses = []string{models.DeadlineRunning, models.DeadlineParked}

// filterWork applies the filters of the console's saved views (issue 14):
// DueFrom/DueTo, RunningStage and Assignee. Both backends run the same
// EXISTS subqueries.
func filterWork(q *gorm.DB, f models.CaseFilter) *gorm.DB {
	if f.DueFrom != nil || f.DueTo != nil {
		sub, args := "SELECT 1 FROM deadlines d WHERE d.case_id = cases.id AND d.status IN ?", []any{clockStatuses}
		if f.DueFrom != nil {
			sub, args = sub+" AND d.due_at >= ?", append(args, norm(*f.DueFrom))
		}
		if f.DueTo != nil {
			sub, args = sub+" AND d.due_at < ?", append(args, norm(*f.DueTo))
		}
		q = q.Where("EXISTS ("+sub+")", args...)
	}
	if f.RunningStage != "" {
		q = q.Where("EXISTS (SELECT 1 FROM deadlines d WHERE d.case_id = cases.id AND d.stage = ? AND d.status IN ?)",
			f.RunningStage, clockStatuses)
	}
	if f.Assignee != "" {
		q = q.Where("EXISTS (SELECT 1 FROM case_work w WHERE w.case_id = cases.id AND w.assignee = ?)", f.Assignee)
	}
	return q
}
