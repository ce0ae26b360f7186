package remind

import (
	"time"

	"tapline/models"
)

// statusStage is the stage whose clock runs while a case is in a status
// (PRODUCT D1). A case waiting for the resident's answer (negotiating) runs
// no staff clock, nor does a confirmed case (the hotline closes it at once)
// or an archived one.
var statusStage = map[string]string{
	models.StatusReceived:         models.StageAccept,
	models.StatusAssigned:         models.StageAccept,
	models.StatusAccepted:         models.StageMeasures, // policy 4.2.5
	models.StatusMeasuresProposed: models.StageApprove,  // policy 4.2.7
	models.StatusAgreed:           models.StageResolve,  // policy 4.3.1
	models.StatusResolved:         models.StageFeedback, // policy 4.3.3: the same day
	models.StatusClosed:           models.StageCallback, // policy 3.1: the hotline calls back
}

// StageOf returns the stage whose clock runs in status, "" if none.
func StageOf(status string) string { return statusStage[status] }

// statusBound reports whether a stage's clock belongs to a status (the
// major-complaint clocks run until a leader acts instead).
func statusBound(stage string) bool {
	return stage != models.StageMajorAck && stage != models.StageAuthority
}

// Filing returns the clocks a new case starts with: its status's stage,
// and for a major case the acknowledgement clock (policy 4.1.3) and, when
// urgent, the report to the housing authority.
func (p Plan) Filing(c *models.Case, now time.Time) []models.Deadline {
	var out []models.Deadline
	if st := StageOf(c.Status); st != "" {
		out = append(out, p.New(st, c, now))
	}
	if c.Major {
		out = append(out, p.MajorClocks(c, now)...)
	}
	return out
}

// MajorClocks returns the clocks a case starts when it becomes major.
func (p Plan) MajorClocks(c *models.Case, now time.Time) []models.Deadline {
	out := []models.Deadline{p.New(models.StageMajorAck, c, now)}
	if c.Urgent {
		out = append(out, p.New(models.StageAuthority, c, now))
	}
	return out
}

// Transition returns the clocks to stop and to start when a case moves
// from one status to another. The same status (notes, transfers) changes
// nothing; a transfer keeps the accept clock running for the new
// department.
func (p Plan) Transition(c *models.Case, from, to string, now time.Time) (start []models.Deadline, stop []string) {
	a, b := StageOf(from), StageOf(to)
	if a == b {
		return nil, nil
	}
	if a != "" {
		stop = append(stop, a)
	}
	if b != "" {
		start = append(start, p.New(b, c, now))
	}
	return start, stop
}
