package remind

import (
	"tapline/bot/address"
	"tapline/bot/policy"
	"tapline/models"
)

// Rungs of an escalation ladder.
const (
	rungHandler  = "handler"  // who holds the case (its department group when nobody does)
	rungHead     = "head"     // the department's head
	rungLeader   = "leader"   // the leader in charge (policy 3.9)
	rungGM       = "gm"       // the general manager (policy 3.10)
	rungApprover = "approver" // who approves the measures (policy 4.2.7)
	rungHotline  = "hotline"  // the hotline (policy 3.1)
)

// ladders are the escalation ladders per stage (PRODUCT D2: handler →
// head → leader in charge → GM). The approval waits on the approver; the
// same-day feedback on the head (policy 4.3.3); a major complaint on the
// leaders (policy 4.1.3).
var ladders = map[string][]string{
	models.StageAccept:    {rungHandler, rungHead, rungLeader, rungGM},
	models.StageMeasures:  {rungHandler, rungHead, rungLeader, rungGM},
	models.StageResolve:   {rungHandler, rungHead, rungLeader, rungGM},
	models.StageApprove:   {rungApprover, rungGM},
	models.StageFeedback:  {rungHead, rungLeader, rungGM},
	models.StageCallback:  {rungHotline, rungHead, rungLeader, rungGM},
	models.StageMajorAck:  {rungLeader, rungGM},
	models.StageAuthority: {rungLeader, rungGM},
}

// rung returns the ladder rung of stage at level (the top repeats).
func rung(stage string, level int) string {
	l := ladders[stage]
	return l[min(level, len(l)-1)]
}

// people are the roster entries a rung reaches on a case, and the group
// that sees it.
type people struct {
	staff []*policy.Staff
	group []address.Dest
}

// reach resolves rung r for case c held by assignee.
func (s *Service) reach(r string, c *models.Case, assignee string) people {
	p, book := s.plan.Policy, s.book
	dept := c.Department
	if r == rungHotline || (r == rungHead && c.Status == models.StatusConfirmed) {
		dept = policy.DeptHotline
	}
	switch r {
	case rungHandler:
		out := people{group: book.Dept(dept)}
		if st := p.Staff(assignee); st != nil {
			out.staff = []*policy.Staff{st}
		}
		return out
	case rungHotline:
		return people{group: book.Dept(dept)}
	case rungHead:
		return people{staff: heads(p, dept), group: book.Dept(dept)}
	case rungLeader:
		if l := p.LeaderOf(dept); l != nil {
			return people{staff: []*policy.Staff{p.Staff(l.ID)}, group: book.Leaders()}
		}
	case rungApprover:
		if c.Major {
			return s.reach(rungGM, c, assignee)
		}
		return s.reach(rungLeader, c, assignee)
	}
	return people{staff: []*policy.Staff{p.Staff(p.GM)}, group: book.Leaders()}
}

// heads returns the heads of a department.
func heads(p *policy.Policy, dept string) []*policy.Staff {
	var out []*policy.Staff
	for _, st := range p.Roster {
		if st.Department == dept && st.Role == policy.RoleHead {
			out = append(out, st)
		}
	}
	return out
}

// responsible is who a warning is recorded against (policy 6.2): the
// first person of the ladder's first rung, else the department head.
func (s *Service) responsible(d *models.Deadline, c *models.Case, assignee string) string {
	for _, r := range []string{rung(d.Stage, 0), rungHead} {
		if pp := s.reach(r, c, assignee); len(pp.staff) > 0 && pp.staff[0] != nil {
			return pp.staff[0].ID
		}
	}
	return ""
}
