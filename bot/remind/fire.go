package remind

import (
	"context"
	"fmt"
	"strings"
	"time"

	"tapline/bot"
	"tapline/bot/address"
	"tapline/bot/notify"
	"tapline/models"
)

// Fire runs step of deadline id: nothing when the row has moved past that
// step or stopped (another worker fired it, or the stage is done); the row
// is dropped, and the drop logged, when its case vanished or moved on.
// Otherwise the messages, the warning and the event are written together
// with the step's advance, then delivered, and the next step is armed. A
// step that keeps failing the same way is parked after the service's
// limit (see failed) instead of being retried without end.
func (s *Service) Fire(ctx context.Context, id uint64, step int) error {
	d, err := s.deadlines.FindDeadline(ctx, id)
	switch {
	case models.ErrorCode(err) == models.ENOTFOUND:
		s.log.InfoContext(ctx, "deadline gone; task dropped", "deadline", id)
		return nil
	case err != nil:
		return fmt.Errorf("remind: %w", err)
	case d.Status != models.DeadlineRunning || d.Step != step:
		return nil
	}
	now := s.clock.Now()
	if now.Before(d.NextAt) { // an early task (clock skew, re-armed row): wait for the row's time
		return s.arm.Arm(ctx, d.ID, d.Step, d.NextAt)
	}
	if err := s.fire(ctx, d, now); err != nil {
		return s.failed(ctx, d, err)
	}
	return nil
}

// fire runs the due step of d.
func (s *Service) fire(ctx context.Context, d *models.Deadline, now time.Time) error {
	step := d.Step
	c, err := s.cases.FindCaseByID(ctx, d.CaseID)
	if models.ErrorCode(err) == models.ENOTFOUND || (err == nil && statusBound(d.Stage) && StageOf(c.Status) != d.Stage) {
		s.log.WarnContext(ctx, "deadline dropped: its case vanished or moved on", "deadline", d.ID,
			"stage", d.Stage, "case_id", d.CaseID)
		return s.deadlines.DropDeadline(ctx, d.ID, now)
	}
	if err != nil {
		return fmt.Errorf("remind: %w", err)
	}
	f, err := s.firing(ctx, d, c, now)
	if err != nil {
		return err
	}
	if err := s.deadlines.Fire(ctx, f); err != nil {
		if models.ErrorCode(err) == models.ECONFLICT {
			return nil // fired by another worker
		}
		return fmt.Errorf("remind: fire %d step %d: %w", d.ID, step, err)
	}
	s.deliver(ctx, f.Outbox)
	s.log.InfoContext(ctx, "deadline fired", "deadline", d.ID, "case", c.Number, "stage", d.Stage, "step", step)
	if err := s.arm.Arm(ctx, d.ID, max(step, f.Through)+1, f.Next); err != nil {
		s.log.WarnContext(ctx, "arm next step failed; reconciler will retry", "deadline", d.ID, "err", err)
	}
	return nil
}

// failed counts a failed firing on its row and returns what the task
// returns: the error (asynq retries it, the reconciler re-arms it), or nil
// once the step has failed the same way parkAfter times in a row: the
// deadline is parked, logged once at error level, listed for the admin
// (GET /api/v1/parked) and no longer retried. A database that cannot be
// reached is not the task's fault and is not counted.
func (s *Service) failed(ctx context.Context, d *models.Deadline, err error) error {
	if models.ErrorCode(err) == models.EUNAVAILABLE || ctx.Err() != nil {
		return err
	}
	parked, n, ferr := s.deadlines.FireFailed(ctx, d.ID, d.Step, err.Error(), s.clock.Now(), s.parkAfter)
	switch {
	case ferr != nil:
		s.log.WarnContext(ctx, "deadline firing failed; the failure was not counted", "deadline", d.ID, "err", err,
			"count_err", ferr)
	case parked:
		s.log.ErrorContext(ctx, "deadline parked: its firing failed the same way repeatedly; see GET /api/v1/parked",
			"deadline", d.ID, "case_id", d.CaseID, "stage", d.Stage, "step", d.Step, "failures", n, "err", err)
		return nil
	default:
		s.log.WarnContext(ctx, "deadline firing failed; it will be retried", "deadline", d.ID, "step", d.Step,
			"failures", n, "err", err)
	}
	return err
}

// firing builds what step d.Step writes. When later steps are due too
// (the workers were down, or the data was imported) they are folded into
// one firing of the latest: a skipped reminder says nothing the warning or
// escalation after it does not; a folded warning is still recorded
// (policy 6.1) and told to its rungs with the latest escalation.
func (s *Service) firing(ctx context.Context, d *models.Deadline, c *models.Case, now time.Time) (*models.Firing, error) {
	through := s.plan.Latest(d, d.Step, now)
	_, kind, level := s.plan.Step(d, through)
	next, _, _ := s.plan.Step(d, through+1)
	f := &models.Firing{DeadlineID: d.ID, Step: d.Step, Through: through, Now: now, Next: next, Level: max(level, d.Level),
		Render: renderDigest, Window: s.plan.Policy.Deadlines.DigestWindow.Duration}
	w, err := s.cases.CaseWork(ctx, c.ID)
	if err != nil {
		return nil, fmt.Errorf("remind: %w", err)
	}
	line := s.line(kind, d, c, now, level)
	rungs := []string{rung(d.Stage, level)}
	if warn := s.plan.WarnStep(d.Stage); d.Step <= warn && warn <= through {
		rungs = []string{rung(d.Stage, 0), rung(d.Stage, 1)}
		if kind == KindEscalate {
			rungs = append(rungs, rung(d.Stage, level))
		}
		resp := s.responsible(d, c, w.Assignee)
		f.Warning = &models.Warning{Stage: d.Stage, Department: c.Department, Responsible: resp, DueAt: d.DueAt}
		line += "（已记录警告；责任人：" + s.staffName(resp) + "）"
	}
	if kind != KindRemind {
		f.Event = &models.CaseEvent{Type: "deadline_" + kind, Actor: "system", Role: "system",
			Channel: "timer", FromStatus: c.Status, ToStatus: c.Status, Text: line}
	}
	return f, s.address(f, c, w.Assignee, rungs, line)
}

// address adds the rows of line for each rung: one direct message per
// person, one digest line per group.
func (s *Service) address(f *models.Firing, c *models.Case, assignee string, rungs []string, line string) error {
	seenGroup, seenPerson := map[string]bool{}, map[string]bool{}
	for _, r := range rungs {
		pp := s.reach(r, c, assignee)
		var dests []address.Dest
		for _, st := range pp.staff {
			if st != nil && !seenPerson[st.ID] {
				seenPerson[st.ID] = true
				dests = append(dests, s.book.Person(st)...)
			}
		}
		rows, err := address.Rows(c.ID, dests, bot.Message{Text: line})
		if err != nil {
			return err
		}
		f.Outbox = append(f.Outbox, rows...)
		for _, g := range pp.group {
			if k := g.Channel + g.Target; !seenGroup[k] {
				seenGroup[k] = true
				f.Digest = append(f.Digest, models.DigestLine{Channel: g.Channel, Target: g.Target, Audience: g.Audience, Line: line})
			}
		}
	}
	return nil
}

// deliver hands rows to the delivery queue (each at its NextAt); the
// outbox reconciler sends what it could not take.
func (s *Service) deliver(ctx context.Context, rows []models.Outbox) {
	ids := make([]uint64, 0, len(rows))
	for _, r := range rows { // a digest row is armed at its window's end
		ids = append(ids, r.ID)
	}
	if err := s.enq.Enqueue(ctx, ids...); err != nil {
		s.log.WarnContext(ctx, "enqueue reminders failed; reconciler will retry", "err", err)
	}
}

// renderDigest is the message of a group's digest: one line per reminder.
func renderDigest(lines []string) (string, string, error) {
	text := strings.Join(lines, "\n")
	if len(lines) > 1 {
		text = fmt.Sprintf("⏰ 催办汇总（%d 条）\n%s", len(lines), text)
	}
	return notify.EncodeMessage(bot.Message{Text: text})
}
