// Package auth signs staff in to the console and integrations in to the
// API (issue 6): per-person sessions in Redis, one-time sign-in links sent
// by the bot (`登录`), bcrypt passwords with a failure limit, hashed and
// revocable API tokens, CSRF tokens; and it authorises every read and
// action by role and department, masks residents' contact details for
// those who do not need them and records each read of full personal data.
package auth

import (
	"fmt"
	"strconv"

	"tapline/bot/policy"
	"tapline/models"
)

// How a principal signed in.
const (
	ViaSession = "session" // the console (cookie)
	ViaToken   = "token"   // an API token
	ViaAdmin   = "admin"   // the configured admin_token
)

// Departments that see every case: the hotline tracks all complaints
// (policy 3.1), the company office forwards to leaders and departments
// (policy 3.2).
const (
	DeptHotline = "hotline"
	DeptOffice  = "office"
)

// Principal is who makes a request: a roster person (StaffID set), an
// integration token scoped to a role and department, or the admin token.
type Principal struct {
	StaffID    string
	Name       string
	Role       string // policy.RoleCrew … ; "admin" for the admin token
	Department string
	Via        string
	TokenID    uint64
}

// RoleAdmin is the role of the admin token.
const RoleAdmin = "admin"

// Admin is the principal of the configured admin_token.
func Admin() Principal { return Principal{Name: "admin", Role: RoleAdmin, Via: ViaAdmin} }

// Reader names the principal in records: the roster ID, "token:<id>" or
// "admin".
func (p Principal) Reader() string {
	switch {
	case p.StaffID != "":
		return p.StaffID
	case p.Via == ViaToken:
		return "token:" + strconv.FormatUint(p.TokenID, 10)
	default:
		return p.Via
	}
}

// SeesAll reports whether p may see every department's cases: the admin
// token, leaders and the GM (policy 3.9, 3.10), the hotline and the office.
func (p Principal) SeesAll() bool {
	return p.Role == RoleAdmin || p.Role == policy.RoleLeader || p.Role == policy.RoleGM ||
		p.Department == DeptHotline || p.Department == DeptOffice
}

// CanSee returns nil when p may open case c, else EFORBIDDEN saying why:
// crew and heads see their own department's cases only.
func (p Principal) CanSee(pol *policy.Policy, c *models.Case) error {
	if p.SeesAll() || (p.Department != "" && p.Department == c.Department) {
		return nil
	}
	return models.Errorf(models.EFORBIDDEN, "投诉 %s 由「%s」办理；您是「%s」的%s，只能查看本部门的投诉。",
		c.Number, deptName(pol, c.Department), deptName(pol, p.Department), RoleName(p.Role))
}

// FullContact reports whether p sees the resident's name and phone in full
// on case c: those who contact the resident — the hotline (policy 3.1,
// call-backs), the office (policy 3.2), the case's own department (policy
// 4.2.1) — the case's approver (policy 4.2.7) and the admin token. Others
// (leaders of other departments' cases, the GM on ordinary cases) see them
// masked.
func (p Principal) FullContact(pol *policy.Policy, c *models.Case) bool {
	switch {
	case p.Role == RoleAdmin, p.Department == DeptHotline, p.Department == DeptOffice:
		return true
	case p.Department != "" && p.Department == c.Department:
		return true
	case c.Major:
		return p.Role == policy.RoleGM && p.StaffID == pol.GM
	default:
		l := pol.LeaderOf(c.Department)
		return p.Role == policy.RoleLeader && l != nil && l.ID == p.StaffID
	}
}

// Mask returns a copy of c with the name and phone masked
// (models.MaskName, models.MaskPhone).
func Mask(c *models.Case) *models.Case {
	m := *c
	m.Name, m.Phone = models.MaskName(c.Name), models.MaskPhone(c.Phone)
	return &m
}

// roleNames are the roles as staff read them.
var roleNames = map[string]string{policy.RoleCrew: "组员", policy.RoleHead: "负责人",
	policy.RoleLeader: "分管领导", policy.RoleGM: "总经理", RoleAdmin: "管理员"}

// RoleName returns the Chinese name of a role.
func RoleName(role string) string {
	if n, ok := roleNames[role]; ok {
		return n
	}
	return role
}

// deptName returns a department's display name, or its key.
func deptName(pol *policy.Policy, key string) string {
	if d := pol.Department(key); d != nil {
		return d.Name
	}
	if key == "" {
		return "（无部门）"
	}
	return key
}

// principalOf builds the principal of a roster entry.
func principalOf(st *policy.Staff, via string) Principal {
	return Principal{StaffID: st.ID, Name: st.Name, Role: st.Role, Department: st.Department, Via: via}
}

// String describes p for logs (no secrets).
func (p Principal) String() string {
	return fmt.Sprintf("%s(%s/%s via %s)", p.Reader(), p.Role, p.Department, p.Via)
}
