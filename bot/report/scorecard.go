package report

import (
	"context"
	"fmt"
	"math"

	"tapline/models"
)

// Rate is a share: Num of Den. Den 0 means there was nothing to measure.
type Rate struct {
	Num int `json:"num"`
	Den int `json:"den"`
}

// Value is Num/Den, 0 when Den is 0.
func (r Rate) Value() float64 {
	if r.Den == 0 {
		return 0
	}
	return float64(r.Num) / float64(r.Den)
}

// String renders the rate as "85.0%", "—" when there is nothing to measure.
func (r Rate) String() string {
	if r.Den == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", 100*r.Value())
}

// onTime is the on-time rate of a stage's decided verdicts.
func onTime(t models.TimingCounts) Rate { return Rate{Num: t.OnTime, Den: t.Decided()} }

// PersonScore is a person's warnings in the month (policy 6.2).
type PersonScore struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Warnings int    `json:"warnings"`
}

// DeptScore is one department's monthly assessment (policy 6): the cases
// it holds, created in the month, and the warnings recorded against it in
// the month.
type DeptScore struct {
	Department string `json:"department"`
	Name       string `json:"name"`
	Cases      int    `json:"cases"`
	Major      int    `json:"major"`
	// AcceptOnTime is the on-time acceptance rate (policy 4.2.1).
	AcceptOnTime Rate `json:"accept_on_time"`
	// FeedbackSameDay is the same-day feedback rate (policy 4.3.3).
	FeedbackSameDay Rate `json:"feedback_same_day"`
	// ResolveOnTime is the on-time resolution rate (policy 4.3.1).
	ResolveOnTime Rate `json:"resolve_on_time"`
	// OnTime is the on-time rate over every stage (policy 6.1).
	OnTime Rate `json:"on_time"`
	// Overdue counts the stages done late or still running past due.
	Overdue int `json:"overdue"`
	// Warnings counts the warnings recorded against the department (policy 6.1).
	Warnings int `json:"warnings"`
	// Approvals counts approved measure versions; ApprovalHours is their
	// mean time from proposal to approval (policy 4.2.7).
	Approvals     int     `json:"approvals"`
	ApprovalHours float64 `json:"approval_hours"`
	// Reopened is the share of cases reopened after an unsatisfied call-back.
	Reopened Rate `json:"reopened"`
	// Satisfaction is the share of satisfied and basically satisfied among
	// the call-backs that reached the resident (policy 3.1).
	Satisfaction Rate `json:"satisfaction"`
	// Responsible are the persons warned, most warnings first (policy 6.2).
	Responsible []PersonScore `json:"responsible"`
}

// Scorecard returns the month's assessment of every department of the
// policy, in the order of policy section 3 (policy 6.1, 6.2). Returns
// EINVALID for a month after the current one.
func (s *Service) Scorecard(ctx context.Context, month Month) ([]DeptScore, error) {
	now := s.clock.Now()
	if month.Start().After(now) {
		return nil, models.Errorf(models.EINVALID, "%s 还没有到，不能考核。", month)
	}
	t, err := s.monthTotals(ctx, month, now)
	if err != nil {
		return nil, fmt.Errorf("scorecard: %w", err)
	}
	return s.scorecard(t.Departments), nil
}

// scorecard scores every department of the policy, then any other that
// has numbers.
func (s *Service) scorecard(stats []*models.DeptStats) []DeptScore {
	by := map[string]*models.DeptStats{}
	for _, d := range stats {
		by[d.Department] = d
	}
	var out []DeptScore
	for _, d := range s.departments() {
		st := by[d.Key]
		if st == nil {
			st = &models.DeptStats{Department: d.Key}
		}
		out = append(out, s.score(st))
		delete(by, d.Key)
	}
	for _, d := range stats { // cases of a department the policy no longer has
		if by[d.Department] != nil {
			out = append(out, s.score(d))
		}
	}
	return out
}

// score turns one department's numbers into its scorecard.
func (s *Service) score(st *models.DeptStats) DeptScore {
	sc := DeptScore{Department: st.Department, Name: s.deptName(st.Department), Cases: st.Cases, Major: st.Major,
		AcceptOnTime:    onTime(st.Stages[models.StageAccept]),
		FeedbackSameDay: onTime(st.Stages[models.StageFeedback]),
		ResolveOnTime:   onTime(st.Stages[models.StageResolve]),
		Warnings:        st.Warnings, Approvals: st.Approvals,
		Reopened: Rate{Num: st.Reopened, Den: st.Cases}, Satisfaction: satisfaction(st.CallBacks),
		Responsible: []PersonScore{}}
	var all models.TimingCounts
	for _, t := range st.Stages {
		all.Add(t)
	}
	sc.OnTime, sc.Overdue = onTime(all), all.Late+all.Overdue
	if st.Approvals > 0 {
		sc.ApprovalHours = math.Round(st.ApprovalSeconds/float64(st.Approvals)/36) / 100
	}
	for _, p := range st.Responsible {
		sc.Responsible = append(sc.Responsible, PersonScore{ID: p.Key, Name: s.staffName(p.Key), Warnings: p.Count})
	}
	return sc
}

// satisfaction is the satisfied share of the call-backs that reached the
// resident.
func satisfaction(outcomes []models.ReportCount) Rate {
	var r Rate
	for _, o := range outcomes {
		switch o.Key {
		case models.OutcomeSatisfied, models.OutcomeBasic:
			r.Num += o.Count
			r.Den += o.Count
		case models.OutcomeUnsatisfied:
			r.Den += o.Count
		}
	}
	return r
}

// scoreHeader are the columns of the 部门考核 sheet.
var scoreHeader = []string{"部门", "投诉数", "重大", "按时接单率", "当天反馈率", "按时办结率", "超时数", "警告数",
	"平均审批用时（小时）", "重开率", "回访满意率", LabelReached, "责任人（警告次数）"}

// LabelReached heads the scorecard's column of the call-backs that reached
// the resident: the base of its satisfaction rate.
const LabelReached = "满意率基数（接通的回访）"

// writeScorecard writes the 部门考核 sheet (policy 6.1, 6.2).
func (s *Service) writeScorecard(b *book, month Month, scores []DeptScore) error {
	sh := b.sheets[SheetScorecard]
	if err := sh.title(fmt.Sprintf("%s 部门考核", month.Title())); err != nil {
		return err
	}
	if err := sh.header(scoreHeader); err != nil {
		return err
	}
	for _, d := range scores {
		hours := any("—")
		if d.Approvals > 0 {
			hours = d.ApprovalHours
		}
		people := "—"
		for i, p := range d.Responsible {
			if i == 0 {
				people = ""
			} else {
				people += "、"
			}
			people += fmt.Sprintf("%s（%d）", p.Name, p.Warnings)
		}
		err := sh.row([]any{d.Name, d.Cases, d.Major, sh.rate(d.AcceptOnTime), sh.rate(d.FeedbackSameDay),
			sh.rate(d.ResolveOnTime), d.Overdue, d.Warnings, hours, sh.rate(d.Reopened), sh.rate(d.Satisfaction), d.Satisfaction.Den, people})
		if err != nil {
			return err
		}
	}
	return nil
}

// rate is a Rate as a percent cell.
func (sh *sheet) rate(r Rate) any { return sh.pct(r.Num, r.Den) }
