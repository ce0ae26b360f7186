package main

import (
	"context"
	"fmt"

	"tapline/bot/policy"
)

// cast are the staff who work a case: the crew and head of the department
// it was routed to, and its approver (the leader in charge of that
// department, or the GM for a major case, policy 4.2.7).
type cast struct {
	deptName, crew, head, approver, chat string
}

// castFor reads where the server routed case number and picks the staff
// of that department from the policy file.
func castFor(ctx context.Context, admin *adminClient, policyPath, number string) (cast, error) {
	p, err := policy.Load(policyPath)
	if err != nil {
		return cast{}, fmt.Errorf("simulate: %w (run from the repository, or give -policy)", err)
	}
	var cv caseView
	if err := admin.get(ctx, "/api/v1/cases/"+number, &cv); err != nil {
		return cast{}, err
	}
	dept := cv.Case.Department
	d := p.Department(dept)
	if d == nil {
		return cast{}, fmt.Errorf("simulate: case %s went to %q, which the policy file does not define", number, dept)
	}
	c := cast{deptName: d.Name, chat: "wrsim-" + dept}
	for _, s := range p.Roster {
		switch {
		case s.Department != dept:
		case s.Role == policy.RoleCrew && c.crew == "":
			c.crew = s.ID
		case s.Role == policy.RoleHead && c.head == "":
			c.head = s.ID
		}
	}
	if l := p.LeaderOf(dept); l != nil {
		c.approver = l.ID
	}
	if cv.Case.Major {
		c.approver = p.GM
	}
	if c.crew == "" || c.head == "" || c.approver == "" {
		return cast{}, fmt.Errorf("simulate: the roster has no crew, head or approver for %s", d.Name)
	}
	return c, nil
}
