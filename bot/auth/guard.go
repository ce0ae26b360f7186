package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"tapline/bot/policy"
	"tapline/models"
)

// Channels through which personal data is read.
const (
	ChannelConsole = "console"
	ChannelAPI     = "api"
)

// Guard reads cases on behalf of a principal: it applies the department
// rule (CanSee), masks contact details for those who do not need them
// (FullContact) and records every read of full personal data.
type Guard struct {
	policy *policy.Policy
	cases  models.CaseService
	work   models.CaseworkService
	reads  models.AuthService
	log    *slog.Logger
}

// NewGuard returns a Guard.
func NewGuard(p *policy.Policy, cases models.CaseService, work models.CaseworkService, reads models.AuthService, log *slog.Logger) *Guard {
	return &Guard{policy: p, cases: cases, work: work, reads: reads, log: log.With("component", "auth")}
}

// Policy returns the policy the guard applies.
func (g *Guard) Policy() *policy.Policy { return g.policy }

// List returns the cases matching f that p may see, newest first, and the
// total. Crew and heads are limited to their department (asking for
// another one is EFORBIDDEN). Lists show names and phones masked; the admin
// token sees them in full (the admin API's contract) and each case it
// lists is recorded as read.
func (g *Guard) List(ctx context.Context, p Principal, f models.CaseFilter, channel string) ([]*models.Case, int, error) {
	if !p.SeesAll() {
		if p.Department == "" {
			return nil, 0, models.Errorf(models.EFORBIDDEN, "%s 没有部门，不能查看投诉。", p.Name)
		}
		if f.Department != "" && f.Department != p.Department {
			return nil, 0, models.Errorf(models.EFORBIDDEN, "您是「%s」的%s，只能查看本部门的投诉。",
				deptName(g.policy, p.Department), RoleName(p.Role))
		}
		f.Department = p.Department
	}
	cases, total, err := g.cases.FindCases(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	if p.Role == RoleAdmin {
		return cases, total, g.record(ctx, p, channel, "list", cases...)
	}
	out := make([]*models.Case, len(cases))
	for i, c := range cases {
		out[i] = Mask(c)
	}
	return out, total, nil
}

// CaseDetail is one case as a principal may see it: the case (masked
// unless Full), its timeline, work row, measures, approvals, the
// complainant's attachments and the photos staff attached.
type CaseDetail struct {
	Case        *models.Case
	Full        bool
	Events      []*models.CaseEvent
	Work        *models.CaseWork
	Measures    []*models.Measure
	Approvals   []*models.Approval
	Attachments []models.Attachment
	Photos      []models.Attachment
}

// Case returns the case with that number for p. Returns ENOTFOUND if there
// is none and EFORBIDDEN (saying why) when p may not see it. A read in
// full is recorded before the case is returned.
func (g *Guard) Case(ctx context.Context, p Principal, number, channel string) (*CaseDetail, error) {
	c, err := g.cases.FindCaseByNumber(ctx, number)
	if err != nil {
		return nil, err
	}
	if err := p.CanSee(g.policy, c); err != nil {
		return nil, err
	}
	d := &CaseDetail{Case: c, Full: p.FullContact(g.policy, c)}
	if err := g.load(ctx, d); err != nil {
		return nil, err
	}
	if !d.Full {
		d.Case = Mask(c)
	} else if err := g.record(ctx, p, channel, "detail", c); err != nil {
		return nil, err // no record, no data
	}
	return d, nil
}

// load reads the case's timeline, work, measures and approvals.
func (g *Guard) load(ctx context.Context, d *CaseDetail) error {
	id := d.Case.ID
	var err error
	if d.Events, err = g.cases.CaseEvents(ctx, id); err != nil {
		return err
	}
	if d.Work, err = g.work.CaseWork(ctx, id); err != nil {
		return err
	}
	if d.Measures, err = g.work.Measures(ctx, id); err != nil {
		return err
	}
	if d.Approvals, err = g.work.Approvals(ctx, id); err != nil {
		return err
	}
	if d.Case.Attachments != "" {
		_ = json.Unmarshal([]byte(d.Case.Attachments), &d.Attachments) // a damaged list shows none
	}
	for _, ev := range d.Events {
		var a models.Attachment
		if ev.Type == "photo" && json.Unmarshal([]byte(ev.Text), &a) == nil {
			d.Photos = append(d.Photos, a)
		}
	}
	return nil
}

// Reads returns who read the case's personal data in full. Only leaders,
// the GM and the admin token may see the record.
func (g *Guard) Reads(ctx context.Context, p Principal, number string) ([]*models.PersonalDataRead, error) {
	if p.Role != RoleAdmin && p.Role != policy.RoleLeader && p.Role != policy.RoleGM {
		return nil, models.Errorf(models.EFORBIDDEN, "只有分管领导、总经理和管理员可以查看个人信息查阅记录。")
	}
	c, err := g.cases.FindCaseByNumber(ctx, number)
	if err != nil {
		return nil, err
	}
	return g.reads.CaseReads(ctx, c.ID)
}

// RecordExport records that p receives the full personal data of cases
// in an export (purpose names it, e.g. "ledger 2026-11"): one read per
// case, written before the export is handed over.
func (g *Guard) RecordExport(ctx context.Context, p Principal, channel, purpose string, cases []*models.Case) error {
	return g.record(ctx, p, channel, purpose, cases...)
}

// record writes one read per case.
func (g *Guard) record(ctx context.Context, p Principal, channel, purpose string, cases ...*models.Case) error {
	if len(cases) == 0 {
		return nil
	}
	rows := make([]models.PersonalDataRead, len(cases))
	for i, c := range cases {
		rows[i] = models.PersonalDataRead{CaseID: c.ID, CaseNumber: c.Number, Reader: p.Reader(), Role: p.Role,
			Channel: channel, Purpose: purpose}
	}
	if err := g.reads.RecordReads(ctx, rows); err != nil {
		return fmt.Errorf("auth: record personal data read: %w", err)
	}
	return nil
}
