package remind

import (
	"time"

	"tapline/bot/policy"
	"tapline/models"
)

// Calendar is the business calendar (bot/calendar implements it):
// working hours with a lunch break, weekends, public holidays and make-up
// working days.
type Calendar interface {
	// Add returns when d of working time has passed after start.
	Add(start time.Time, d time.Duration) time.Time
	// Between returns the working time in [a, b).
	Between(a, b time.Time) time.Duration
	// EndOfDay returns the end of the working day of t (or of the next
	// working day when t is after hours).
	EndOfDay(t time.Time) time.Time
	// DayLength returns the working time of one full working day.
	DayLength() time.Duration
}

// Kinds of firing.
const (
	KindRemind   = "remind"   // before the deadline
	KindWarn     = "warn"     // the deadline passed: a warning (policy 6.1)
	KindEscalate = "escalate" // later: one rung up the ladder
)

// Plan computes the steps of deadlines from the policy on a calendar.
type Plan struct {
	Policy   *policy.Policy
	Calendar Calendar
}

// Due returns when a stage started at start is due, and whether its clock
// is the wall clock: major cases run on wall time (policy 4.1.3), the
// others on business time. An external deadline (a government referral's)
// that is earlier wins for the resolution stage.
func (p Plan) Due(stage string, c *models.Case, start time.Time) (time.Time, bool) {
	span, wall := p.Policy.Allowed(stage, c.Category, c.Major || stage == models.StageMajorAck || stage == models.StageAuthority)
	due := p.add(start, span, wall)
	if stage == models.StageResolve && c.ExternalDue != nil && c.ExternalDue.Before(due) {
		due = *c.ExternalDue
	}
	return due, wall
}

// add adds span to start on the wall or business clock.
func (p Plan) add(start time.Time, span policy.Span, wall bool) time.Time {
	switch {
	case span.SameDay:
		return p.Calendar.EndOfDay(start)
	case wall:
		return start.Add(span.Duration + time.Duration(span.Days)*24*time.Hour)
	}
	return p.Calendar.Add(start, span.Duration+time.Duration(span.Days)*p.Calendar.DayLength())
}

// New returns a running deadline for stage starting at start.
func (p Plan) New(stage string, c *models.Case, start time.Time) models.Deadline {
	due, wall := p.Due(stage, c, start)
	d := models.Deadline{CaseID: c.ID, Stage: stage, Status: models.DeadlineRunning, Wall: wall,
		StartedAt: start, DueAt: due}
	d.NextAt, _, _ = p.Step(&d, 0)
	return d
}

// Step returns when step k of d fires, its kind and the ladder level it
// reaches: first one reminder per remind_at fraction (level 0), then the
// warning at the deadline (level 1: the next rung is told at once), then an
// escalation every escalate_every, one rung higher each time, repeating at
// the top until the stage is done (PRODUCT D2).
func (p Plan) Step(d *models.Deadline, k int) (time.Time, string, int) {
	fr := p.Policy.RemindAt(d.Stage)
	if k < len(fr) {
		if d.Wall {
			return d.StartedAt.Add(time.Duration(float64(d.DueAt.Sub(d.StartedAt)) * fr[k])), KindRemind, 0
		}
		total := p.Calendar.Between(d.StartedAt, d.DueAt)
		return p.Calendar.Add(d.StartedAt, time.Duration(float64(total)*fr[k])), KindRemind, 0
	}
	j := k - len(fr) // 0: the warning
	if j == 0 {
		return d.DueAt, KindWarn, 1
	}
	every := p.Policy.EscalateEvery(d.Stage)
	if d.Wall {
		return d.DueAt.Add(time.Duration(j) * every), KindEscalate, 1 + j
	}
	return p.Calendar.Add(d.DueAt, time.Duration(j)*every), KindEscalate, 1 + j
}

// WarnStep returns the index of a stage's warning step: after its
// reminders.
func (p Plan) WarnStep(stage string) int { return len(p.Policy.RemindAt(stage)) }

// maxCatchUp bounds how many overdue steps Latest walks (months of hourly
// escalations).
const maxCatchUp = 5000

// Latest returns the last step of d, from step on, that is due at now:
// step itself when its successor is not due yet. After the workers were
// down (or on imported data) several steps are due at once; the latest
// one says the most, and the ones before it are folded into it.
func (p Plan) Latest(d *models.Deadline, step int, now time.Time) int {
	k := step
	for n := 0; n < maxCatchUp; n++ {
		next, _, _ := p.Step(d, k+1)
		if next.After(now) {
			break
		}
		k++
	}
	return k
}
