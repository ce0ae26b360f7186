package casework

import (
	"context"
	"fmt"
	"slices"

	"tapline/models"
)

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
	held, _, err := s.cases.FindCases(ctx, models.CaseFilter{Assignee: a.ID, Limit: 100})
	if err != nil {
		return nil, fmt.Errorf("casework: candidates: %w", err)
	}
	var own []*models.Case
	for _, c := range cands {
		if slices.ContainsFunc(held, func(h *models.Case) bool { return h.ID == c.ID }) {
			own = append(own, c)
		}
	}
	if len(own) == 1 {
		return own, nil
	}
	return cands, nil
}
