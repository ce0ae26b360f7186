package casework

import (
	"context"
	"fmt"

	"tapline/bot"
	"tapline/models"
)

// state is a case as one decision sees it.
type state struct {
	c         *models.Case
	w         *models.CaseWork
	m         *models.Measure // current measure version, nil if none
	callbacks int             // call-backs so far (closed cases)
	reported  bool            // an urgent major case was reported to the housing authority
	report    string          // the completion report (resolved cases): what was done
	refresh   bool            // reloaded after a concurrent change
}

// step is the outcome of a builder: a transition to apply and the reply to
// give once it is committed, or only a refusal.
type step struct {
	t     *models.Transition
	reply string
}

// act runs one transition command: resolve the case, check status and
// role, build the transition and apply it; on ECONFLICT reload and decide
// again, so of two people acting at once one wins and the other hears why.
func (s *Service) act(ctx context.Context, a Actor, cmd Command) (bot.Reply, error) {
	r, err := s.apply(ctx, a, cmd)
	return text(r.Reply), err
}

// apply is act with its outcome typed: Done when the transition was
// written.
func (s *Service) apply(ctx context.Context, a Actor, cmd Command) (Result, error) {
	if msg := missingText(cmd); msg != "" {
		return Result{Reply: msg}, nil
	}
	c, refusal, err := s.resolve(ctx, a, cmd)
	if c == nil {
		return Result{Reply: refusal}, err
	}
	refresh := false
	for range applyAttempts {
		st, err := s.load(ctx, c)
		if err != nil {
			return Result{Reply: txtUnavailable}, err
		}
		st.refresh = refresh
		if msg := s.check(ctx, a, cmd, st); msg != "" {
			return Result{Reply: msg}, nil
		}
		out, err := s.build(a, cmd, st)
		if err != nil || out.t == nil {
			return Result{Reply: out.reply}, err
		}
		if err := s.updateClickedCard(a, cmd, st.c, out.t); err != nil {
			return Result{Reply: txtUnavailable}, err
		}
		resumed, err := s.clocks(ctx, cmd.Action, st.c, out.t)
		if err != nil {
			return Result{Reply: txtUnavailable}, err
		}
		_, err = s.work.Apply(ctx, out.t)
		switch models.ErrorCode(err) {
		case "":
			s.enqueue(ctx, out.t.Outbox)
			if s.remind != nil {
				s.remind.ArmAll(ctx, append(out.t.Deadlines, resumed...))
			}
			s.log.InfoContext(ctx, "case transition", "case", c.Number, "action", cmd.Action,
				"from", st.c.Status, "to", out.t.ToStatus, "actor", a.ID)
			return Result{Done: true, Reply: out.reply}, nil
		case models.ECONFLICT:
			refresh = true
			if c, err = s.cases.FindCaseByNumber(ctx, c.Number); err != nil {
				return Result{Reply: txtUnavailable}, fmt.Errorf("casework: reload %s: %w", cmd.Number, err)
			}
		default:
			return Result{Reply: txtUnavailable}, fmt.Errorf("casework: %s %s: %w", cmd.Action, c.Number, err)
		}
	}
	return Result{Reply: txtBusy}, nil
}

// clocks adds the stage clocks a status change stops and starts (PRODUCT
// D1: stopping a stage cancels its timers), and what the action's spec
// does to the running clocks (pause, resume); it returns the resumed
// deadlines, to arm once written.
func (s *Service) clocks(ctx context.Context, action string, c *models.Case, t *models.Transition) ([]models.Deadline, error) {
	if s.remind == nil {
		return nil, nil
	}
	now := s.clock.Now()
	start, stop := s.remind.Plan().Transition(c, c.Status, t.ToStatus, now)
	t.Deadlines = append(t.Deadlines, start...)
	t.StopStages = append(t.StopStages, stop...)
	var resumed []models.Deadline
	var err error
	switch specOf(action).Clock {
	case ClockPause:
		t.PauseClocks, err = s.remind.Pause(ctx, c.ID, now)
	case ClockResume:
		t.ResumeClocks, resumed, err = s.remind.Resume(ctx, c.ID, now)
	}
	return resumed, err
}

// load reads the case's work row and current measure, and from its
// timeline (read once, when needed) what the checks and builders use.
func (s *Service) load(ctx context.Context, c *models.Case) (*state, error) {
	w, err := s.work.CaseWork(ctx, c.ID)
	if err != nil {
		return nil, fmt.Errorf("casework: load work: %w", err)
	}
	st := &state{c: c, w: w}
	if c.Urgent || c.Status == models.StatusResolved {
		evs, err := s.cases.CaseEvents(ctx, c.ID)
		if err != nil {
			return nil, fmt.Errorf("casework: load events: %w", err)
		}
		st.fromTimeline(evs)
	}
	if c.Status == models.StatusClosed {
		if st.callbacks, err = s.countCallbacks(ctx, c.ID); err != nil {
			return nil, fmt.Errorf("casework: load call-backs: %w", err)
		}
	}
	if w.MeasureVersion > 0 {
		ms, err := s.work.Measures(ctx, c.ID)
		if err != nil {
			return nil, fmt.Errorf("casework: load measures: %w", err)
		}
		for _, m := range ms {
			if m.Version == w.MeasureVersion {
				st.m = m
			}
		}
	}
	return st, nil
}

// fromTimeline reads what the checks and builders need from the case's
// events: whether an urgent case was reported to the housing authority,
// and the latest completion report.
func (st *state) fromTimeline(evs []*models.CaseEvent) {
	for _, ev := range evs {
		switch ev.Type {
		case ActReport:
			st.reported = true
		case ActDone:
			st.report = ev.Text
		}
	}
}
