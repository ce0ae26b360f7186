package remind

import (
	"context"
	"fmt"
	"time"

	"tapline/models"
)

// Pause returns the case's running clocks paused at now, each with the
// allowance it has left on its own clock (business or wall time; none
// when it is already overdue): a suspended case (挂起) runs no clock.
func (s *Service) Pause(ctx context.Context, caseID uint64, now time.Time) ([]models.PausedClock, error) {
	dls, err := s.deadlines.CaseDeadlines(ctx, caseID)
	if err != nil {
		return nil, fmt.Errorf("remind: pause: %w", err)
	}
	var out []models.PausedClock
	for _, d := range dls {
		if d.Status == models.DeadlineRunning {
			out = append(out, models.PausedClock{ID: d.ID, Remaining: s.plan.left(d, now)})
		}
	}
	return out, nil
}

// Resume returns the case's paused clocks started again at now with the
// allowance they had left, their step kept (a warning given before the
// pause is not given again), and the deadlines to arm once written.
func (s *Service) Resume(ctx context.Context, caseID uint64, now time.Time) ([]models.ResumedClock, []models.Deadline, error) {
	dls, err := s.deadlines.CaseDeadlines(ctx, caseID)
	if err != nil {
		return nil, nil, fmt.Errorf("remind: resume: %w", err)
	}
	var out []models.ResumedClock
	var arm []models.Deadline
	for _, d := range dls {
		if d.Status != models.DeadlinePaused {
			continue
		}
		r := *d
		r.Status, r.StartedAt = models.DeadlineRunning, now
		r.DueAt = s.plan.after(now, time.Duration(d.RemainingMs)*time.Millisecond, d.Wall)
		r.NextAt, _, _ = s.plan.Step(&r, r.Step)
		out = append(out, models.ResumedClock{ID: d.ID, StartedAt: r.StartedAt, DueAt: r.DueAt, NextAt: r.NextAt})
		arm = append(arm, r)
	}
	return out, arm, nil
}

// left is the allowance d has at now on its clock, zero when overdue.
func (p Plan) left(d *models.Deadline, now time.Time) time.Duration {
	if !now.Before(d.DueAt) {
		return 0
	}
	if d.Wall {
		return d.DueAt.Sub(now)
	}
	return p.Calendar.Between(now, d.DueAt)
}

// after is when an allowance of left runs out from now on the wall or
// business clock.
func (p Plan) after(now time.Time, left time.Duration, wall bool) time.Time {
	if wall {
		return now.Add(left)
	}
	return p.Calendar.Add(now, left)
}
