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

	"tapline/bot/casework"
	"tapline/bot/intake"
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
	DeptHotline = intake.DeptHotline
	DeptOffice  = intake.DeptOffice
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
// token, and whoever casework.SeesAll lets (leaders, the GM, the hotline,
// the office).
func (p Principal) SeesAll() bool {
	return p.Role == RoleAdmin || casework.SeesAll(p.Role, p.Department)
}

// CanSee returns nil when p may open case c, else EFORBIDDEN saying why:
// the department rule of casework.CanSee, which chat's 查 applies too.
func (p Principal) CanSee(pol *policy.Policy, c *models.Case) error {
	if p.Role == RoleAdmin {
		return nil
	}
	return casework.CanSee(pol, p.Role, p.Department, c)
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

// RoleName returns the Chinese name of a role (casework.RoleName, and the
// admin token's).
func RoleName(role string) string {
	if role == RoleAdmin {
		return "管理员"
	}
	return casework.RoleName(role)
}

// deptName returns a department's display name, or its key.
func deptName(pol *policy.Policy, key string) string { return casework.DepartmentName(pol, key) }

// principalOf builds the principal of a roster entry.
func principalOf(st *policy.Staff, via string) Principal {
	return Principal{StaffID: st.ID, Name: st.Name, Role: st.Role, Department: st.Department, Via: via}
}

// String describes p for logs (no secrets).
func (p Principal) String() string {
	return fmt.Sprintf("%s(%s/%s via %s)", p.Reader(), p.Role, p.Department, p.Via)
}
