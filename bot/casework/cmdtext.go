package casework

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"tapline/bot/policy"
	"tapline/models"
)

// helpText lists the commands that fit the actor's role, in the order of
// specs: the lifecycle actions they could ever take, then the queries.
func helpText(a Actor) string {
	var b strings.Builder
	b.WriteString("可用指令（编号只有一件时可省略）：\n")
	for _, sp := range specs {
		if sp.Rule != nil && usable(a, sp) {
			b.WriteString("· " + sp.Usage + "\n")
		}
	}
	var lines []string
	for _, sp := range specs {
		if sp.Rule == nil && usable(a, sp) {
			lines = append(lines, "· "+sp.Usage+"："+sp.Help)
		}
	}
	b.WriteString(strings.Join(lines, "\n"))
	return b.String()
}

// roleCanEver reports whether someone of a's role could ever take the
// action of sp, read from who the rule lets take it.
func roleCanEver(a Actor, sp Spec) bool {
	staff := a.Role == policy.RoleCrew || a.Role == policy.RoleHead
	return slices.ContainsFunc(sp.Rule.Who, func(w string) bool {
		switch w {
		case WhoDeptStaff:
			return staff
		case WhoDeptHead:
			return a.Role == policy.RoleHead
		case WhoHotline:
			return staff && a.Dept == policy.DeptHotline
		case WhoApprover, WhoLeader:
			return a.leads()
		}
		return false
	})
}

// whoMay names who may take action on c, read from the rule's Who.
func (s *Service) whoMay(action string, c *models.Case) string {
	var names []string
	for _, w := range table[action].Who {
		if n := s.whoName(w, c); n != "" && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], "、") + "或" + names[len(names)-1]
}

// whoName is one relation of Who as people read it, for case c.
func (s *Service) whoName(who string, c *models.Case) string {
	dept := s.deptName(c.Department)
	switch who {
	case WhoDeptStaff:
		return dept + "人员"
	case WhoDeptHead:
		return dept + "负责人"
	case WhoApprover:
		if c.Major {
			return "总经理" // a major case (policy 4.2.7)
		}
		if l := s.policy.LeaderOf(c.Department); l != nil {
			return fmt.Sprintf("分管%s的领导（%s）", dept, s.staffName(l.ID))
		}
		return "分管领导"
	case WhoResident:
		return "居民本人"
	case WhoHotline:
		return s.deptName(policy.DeptHotline)
	case WhoLeader:
		return "分管领导或总经理"
	}
	return ""
}

// missingText refuses a command whose spec needs a text it does not carry,
// or carries too short to say it (a measure of one word, issue 14): what
// the text must say and an example with the case's number.
func missingText(cmd Command) string {
	sp, ok := SpecOf(cmd.Action)
	if !ok || !sp.NeedsText() {
		return ""
	}
	if cmd.Text != "" && utf8.RuneCountInString(cmd.Text) >= sp.MinRunes {
		return ""
	}
	return fmt.Sprintf(txtNeedText, sp.Name(), sp.Needs, sp.example(cmd.Number))
}
