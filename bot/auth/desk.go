package auth

import (
	"context"
	"time"

	"tapline/bot/intake"
	"tapline/bot/policy"
	"tapline/models"
)

// StaffFiler files complaints taken at the desk (intake.Service).
type StaffFiler interface {
	FileStaff(ctx context.Context, op intake.Operator, sc intake.StaffCase) (*intake.StaffResult, error)
}

// Desk is everything the console and the API need: sign-in, the case
// guard, lifecycle actions and staff intake, for one principal at a time.
type Desk struct {
	Policy    *policy.Policy
	Sessions  *Sessions
	Links     *Links
	Passwords *Passwords
	Tokens    *Tokens
	Guard     *Guard
	Actions   *Actions
	Intake    StaffFiler
	Counter   models.CaseCounter
	Clock     func() time.Time
}

// Sign-in methods recorded in the session.
const (
	MethodPassword = "password"
	MethodLink     = "link"
)

// SignInPassword checks the password (rate-limited per person and per
// address addr) and starts a session.
func (d *Desk) SignInPassword(ctx context.Context, staffID, password, addr string) (*Session, error) {
	// An unknown ID goes through the same check (and failure count) as a
	// wrong password: the answer does not tell which IDs exist.
	if err := d.Passwords.Check(ctx, staffID, password, addr); err != nil {
		return nil, err
	}
	if d.Policy.Staff(staffID) == nil { // a password left over for someone no longer in the roster
		return nil, errWrongPassword
	}
	return d.Sessions.Create(ctx, staffID, MethodPassword)
}

// SignInLink redeems a one-time link and starts a session.
func (d *Desk) SignInLink(ctx context.Context, token string) (*Session, error) {
	staffID, err := d.Links.Redeem(ctx, token)
	if err != nil {
		return nil, err
	}
	if d.Policy.Staff(staffID) == nil {
		return nil, models.Errorf(models.EFORBIDDEN, "%s 已不在员工名单中，不能登录。", staffID)
	}
	return d.Sessions.Create(ctx, staffID, MethodLink)
}

// SessionPrincipal returns the person signed in with session id. Returns
// ENOTFOUND when the session ended or its person left the roster.
func (d *Desk) SessionPrincipal(ctx context.Context, id string) (Principal, *Session, error) {
	sess, err := d.Sessions.Get(ctx, id)
	if err != nil {
		return Principal{}, nil, err
	}
	st := d.Policy.Staff(sess.StaffID)
	if st == nil {
		_ = d.Sessions.Delete(ctx, id)
		return Principal{}, nil, errNoSession
	}
	return principalOf(st, ViaSession), sess, nil
}

// File files a desk complaint for p through channel (console or api).
func (d *Desk) File(ctx context.Context, p Principal, channel string, sc intake.StaffCase) (*intake.StaffResult, error) {
	op := intake.Operator{ID: p.Reader(), Role: p.Role, Dept: p.Department, Channel: channel}
	return d.Intake.FileStaff(ctx, op, sc)
}

// Dashboard is the case counts of the dashboard (PRODUCT F1).
type Dashboard struct {
	Total        int
	Open         int
	Overdue      int
	ByStatus     map[string]int
	ByDepartment map[string]int
	ByCategory   map[string]int
	BySource     map[string]int
	Major        int
}

// Dashboard counts the cases created in [since, until) that p may see,
// and the open and overdue ones now.
func (d *Desk) Dashboard(ctx context.Context, p Principal, since, until time.Time) (*Dashboard, error) {
	f := models.CaseFilter{Since: &since, Until: &until}
	if !p.SeesAll() {
		if p.Department == "" {
			return nil, models.Errorf(models.EFORBIDDEN, "没有部门，不能查看统计。")
		}
		f.Department = p.Department
	}
	out := &Dashboard{}
	for _, g := range []struct {
		by  string
		dst *map[string]int
	}{{"status", &out.ByStatus}, {"department", &out.ByDepartment}, {"category", &out.ByCategory}, {"source", &out.BySource}} {
		m, err := d.Counter.CountCases(ctx, f, g.by)
		if err != nil {
			return nil, err
		}
		*g.dst = m
	}
	for _, n := range out.ByStatus {
		out.Total += n
	}
	major, err := d.Counter.CountCases(ctx, f, "major")
	if err != nil {
		return nil, err
	}
	out.Major = major["true"]
	now := d.Clock()
	open := models.CaseFilter{Department: f.Department, Statuses: models.OpenStatuses}
	if out.Open, err = d.count(ctx, open); err != nil {
		return nil, err
	}
	open.OverdueAt = &now
	out.Overdue, err = d.count(ctx, open)
	return out, err
}

// count returns how many cases match f.
func (d *Desk) count(ctx context.Context, f models.CaseFilter) (int, error) {
	m, err := d.Counter.CountCases(ctx, f, "major")
	return m["true"] + m["false"], err
}
