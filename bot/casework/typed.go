package casework

import (
	"context"

	"tapline/bot"
)

// Result is what a typed command did: Done when its transition was
// written; Reply is the answer the chat would give (the refusal and why,
// when not Done).
type Result struct {
	Done  bool
	Reply string
}

// Do runs a lifecycle command for the roster person staffID, authenticated
// by the console or the API, without a text round trip: the same checks,
// builders and clocks as the chat command. private lets the reply carry
// the resident's contact in full (the caller's rule for who may read it).
func (s *Service) Do(ctx context.Context, staffID string, cmd Command, private bool) (Result, error) {
	st := s.policy.Staff(staffID)
	if st == nil {
		return Result{Reply: txtUnknownStaff}, nil
	}
	if _, ok := table[cmd.Action]; !ok {
		return Result{Reply: txtNotUnderstood}, nil
	}
	a := Actor{ID: st.ID, Name: st.Name, Role: st.Role, Dept: st.Department, Platform: bot.PlatformConsole}
	cmd.Private, cmd.Button = private, false
	return s.apply(ctx, a, cmd)
}
