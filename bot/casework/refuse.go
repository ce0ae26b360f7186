package casework

import (
	"context"
	"fmt"
	"slices"

	"tapline/models"
)

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
