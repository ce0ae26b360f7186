package casework

import (
	"tapline/bot/policy"
	"tapline/models"
)

// SeesAll reports whether a person of role in dept may see every
// department's cases: leaders and the GM (policy 3.9, 3.10), the hotline,
// which tracks all complaints (policy 3.1), and the company office, which
// forwards them (policy 3.2).
func SeesAll(role, dept string) bool {
	return role == policy.RoleLeader || role == policy.RoleGM || dept == policy.DeptHotline || dept == policy.DeptOffice
}

// CanSee is the department rule every surface applies before showing a
// case — `查` in chat, the console and the API (bot/auth's guard): nil
// when a person of role in dept may open case c, else EFORBIDDEN saying
// why. Crew and heads see their own department's cases only.
func CanSee(p *policy.Policy, role, dept string, c *models.Case) error {
	if SeesAll(role, dept) || (dept != "" && dept == c.Department) {
		return nil
	}
	return models.Errorf(models.EFORBIDDEN, "投诉 %s 由「%s」办理；您是「%s」的%s，只能查看本部门的投诉。",
		c.Number, DepartmentName(p, c.Department), DepartmentName(p, dept), RoleName(role))
}

// roleNames are the roster roles as staff read them.
var roleNames = map[string]string{policy.RoleCrew: "组员", policy.RoleHead: "负责人",
	policy.RoleLeader: "分管领导", policy.RoleGM: "总经理"}

// RoleName returns the Chinese name of a roster role, or the role.
func RoleName(role string) string {
	if n, ok := roleNames[role]; ok {
		return n
	}
	return role
}

// DepartmentName returns a department's display name, or its key.
func DepartmentName(p *policy.Policy, key string) string {
	if d := p.Department(key); d != nil {
		return d.Name
	}
	if key == "" {
		return "（无部门）"
	}
	return key
}
