package casework

import (
	"context"
	"fmt"
	"slices"

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

// load reads the case's work row and current measure.
func (s *Service) load(ctx context.Context, c *models.Case) (*state, error) {
	w, err := s.work.CaseWork(ctx, c.ID)
	if err != nil {
		return nil, fmt.Errorf("casework: load work: %w", err)
	}
	st := &state{c: c, w: w}
	if c.Urgent {
		if st.reported, err = s.hasEvent(ctx, c.ID, ActReport); err != nil {
			return nil, fmt.Errorf("casework: load events: %w", err)
		}
	}
	if c.Status == models.StatusResolved {
		if st.report, err = s.lastEventText(ctx, c.ID, ActDone); err != nil {
			return nil, fmt.Errorf("casework: load report: %w", err)
		}
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

// resolve finds the case a command is about: the named number, or the one
// open case the actor may take this action on.
func (s *Service) resolve(ctx context.Context, a Actor, cmd Command) (*models.Case, string, error) {
	if cmd.Number != "" {
		c, err := s.cases.FindCaseByNumber(ctx, cmd.Number)
		switch models.ErrorCode(err) {
		case "":
			return c, "", nil
		case models.ENOTFOUND:
			return nil, fmt.Sprintf(txtNoSuchCase, cmd.Number), nil
		default:
			return nil, txtUnavailable, fmt.Errorf("casework: find %s: %w", cmd.Number, err)
		}
	}
	cands, err := s.candidates(ctx, a, cmd.Action)
	if err != nil {
		return nil, txtUnavailable, err
	}
	if len(cands) > 1 {
		if cands, err = s.mine(ctx, a, cands); err != nil {
			return nil, txtUnavailable, err
		}
	}
	switch len(cands) {
	case 0:
		return nil, fmt.Sprintf(txtNoCandidate, actionNames[cmd.Action], actionNames[cmd.Action]), nil
	case 1:
		return cands[0], "", nil
	}
	return nil, fmt.Sprintf(txtManyCandidates, len(cands), actionNames[cmd.Action], listCases(cands, 10),
		actionNames[cmd.Action]), nil
}

// candidates are the open cases in the actor's reach on which action is
// allowed for them now.
func (s *Service) candidates(ctx context.Context, a Actor, action string) ([]*models.Case, error) {
	r := table[action]
	var out []*models.Case
	for _, st := range r.From {
		f := models.CaseFilter{Status: st, Limit: 100}
		if a.Role == "crew" || a.Role == "head" {
			f.Department = a.Dept
		}
		cs, _, err := s.cases.FindCases(ctx, f)
		if err != nil {
			return nil, fmt.Errorf("casework: candidates: %w", err)
		}
		for _, c := range cs {
			if ok, _, _ := allowed(s.policy, action, a, c); ok {
				out = append(out, c)
			}
		}
	}
	return out, nil
}

// mine narrows several candidates to the one the actor took on (进展
// without a number means the case I accepted, issue 14); it returns all of
// them when the actor holds none or more than one.
func (s *Service) mine(ctx context.Context, a Actor, cands []*models.Case) ([]*models.Case, error) {
	var own []*models.Case
	for _, c := range cands {
		w, err := s.work.CaseWork(ctx, c.ID)
		if err != nil {
			return nil, fmt.Errorf("casework: candidates: %w", err)
		}
		if w.Assignee == a.ID {
			own = append(own, c)
		}
	}
	if len(own) == 1 {
		return own, nil
	}
	return cands, nil
}

// check returns why a may not take cmd on the case now, or "".
func (s *Service) check(ctx context.Context, a Actor, cmd Command, st *state) string {
	c := st.c
	prefix := ""
	if st.refresh {
		prefix = txtChangedMeanwhile
	}
	ok, rightStatus, rightRole := allowed(s.policy, cmd.Action, a, c)
	if ok {
		if msg := suspendedRefusal(cmd.Action, st); msg != "" {
			return prefix + msg
		}
		return ""
	}
	if c.Status == models.StatusArchived {
		return prefix + fmt.Sprintf(txtArchived, c.Number)
	}
	if c.Status == models.StatusClosed && cmd.Action != ActCallback {
		return prefix + fmt.Sprintf(txtClosed, c.Number)
	}
	if msg := majorRefusal(cmd.Action, c); msg != "" {
		return prefix + msg
	}

	if !rightStatus && table[cmd.Action].To != "" {
		if done := s.alreadyDone(ctx, cmd, c); done != "" {
			return prefix + done
		}
	}
	switch {
	case !rightRole:
		return prefix + s.wrongRole(a, cmd.Action, c)
	default:
		return prefix + s.wrongStatus(a, cmd.Action, c)
	}
}

// alreadyDone tells a second press of the same button (or the same action
// by a colleague) what happened: "已处理：… 已于 10:02 接单".
func (s *Service) alreadyDone(ctx context.Context, cmd Command, c *models.Case) string {
	evs, err := s.cases.CaseEvents(ctx, c.ID)
	if err != nil {
		return ""
	}
	for _, ev := range slices.Backward(evs) {
		if ev.Type == cmd.Action {
			who := ev.Actor
			if st := s.policy.Staff(ev.Actor); st != nil {
				who = st.Name
			} else if ev.Role == roleResident {
				who = "居民"
			}
			return fmt.Sprintf(txtAlreadyDone, c.Number, who, ev.CreatedAt.In(models.CST).Format("01-02 15:04"),
				actionNames[cmd.Action], StatusName(c.Status))
		}
	}
	return ""
}

// wrongStatus says the action does not fit the status and what does.
func (s *Service) wrongStatus(a Actor, action string, c *models.Case) string {
	msg := fmt.Sprintf(txtWrongStatus, c.Number, StatusName(c.Status), actionNames[action])
	return msg + s.possibleText(a, c)
}

// wrongRole says who may take the action.
func (s *Service) wrongRole(a Actor, action string, c *models.Case) string {
	msg := fmt.Sprintf(txtWrongRole, actionNames[action], c.Number, s.whoMay(action, c))
	return msg + s.possibleText(a, c)
}

// possibleText lists what a may do on c now.
func (s *Service) possibleText(a Actor, c *models.Case) string {
	acts := possible(s.policy, a, c)
	if len(acts) == 0 {
		return "\n" + txtNothingPossible
	}
	names := make([]string, len(acts))
	for i, act := range acts {
		names[i] = actionNames[act]
	}
	return "\n现在您可以：" + joinNames(names)
}

// suspendedRefusal refuses a status change on a suspended case: its clocks
// are paused, so it moves on only after the action that resumes them.
func suspendedRefusal(action string, st *state) string {
	if st.w.SuspendedAt == nil || table[action].To == "" || specOf(action).Clock == ClockResume {
		return ""
	}
	return fmt.Sprintf(txtSuspended, st.c.Number, st.w.SuspendReason, actionNames[action], resumeName())
}

// resumeName is the command that resumes a suspended case's clocks.
func resumeName() string {
	for _, sp := range specs {
		if sp.Clock == ClockResume {
			return sp.Name()
		}
	}
	return ""
}
