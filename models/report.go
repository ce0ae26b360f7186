package models

import (
	"cmp"
	"context"
	"slices"
	"time"
)

// Stage timings: how a stage of a case went against its deadline, as the
// monthly ledger and the assessment read it (policy 4.4.1, 6.1). When a
// stage ran several times (measures rejected and proposed again) the worst
// verdict counts: overdue, then late, then running, then on time.
const (
	TimingOnTime  = "on_time" // done before it was due
	TimingLate    = "late"    // done (or abandoned) after it was due
	TimingOverdue = "overdue" // still running past its due time
	TimingRunning = "running" // still running, not yet due
)

// LedgerCase is one case of the monthly ledger (投诉台账, policy 4.4.1) with
// everything its row needs, and no more: the related rows carry only the
// fields the ledger shows (no measure proposer, approval reason, call-back
// note or rating comment; the case without draft key, attachments and
// version).
type LedgerCase struct {
	Case Case
	// Work is the case's work row (a zero row when nothing was recorded).
	Work CaseWork
	// Measure is the current measure version (Work.MeasureVersion); nil when none.
	Measure *Measure
	// Approval is the newest approval decision; nil when none.
	Approval *Approval
	// Stages maps a deadline stage (StageAccept …) to its Timing verdict.
	Stages map[string]string
	// Acceptance is the resident's newest answer to the measures: the event
	// type "resident_accept" or "resident_reject", "" when none (policy 4.3.2).
	Acceptance   string
	AcceptanceAt *time.Time
	// ResolvedAt is the time of the newest "done" event; nil when none.
	ResolvedAt *time.Time
	// Reopens counts the case's "reopen" events.
	Reopens int
	// CallBacks are the call-back attempts, oldest first (policy 3.1).
	CallBacks []CallBack
	// Rating is the resident's own score; nil when none.
	Rating *Rating
	// Responsible are the roster IDs the case's warnings name, in order,
	// without repeats (policy 6.2).
	Responsible []string
	// Warnings counts the case's warnings (policy 6.1).
	Warnings int
	// Approved counts the approved measure versions; ApprovalSeconds sums
	// their latencies from proposal to approval (policy 4.2.7).
	Approved        int
	ApprovalSeconds float64
}

// TimingCounts counts stage verdicts.
type TimingCounts struct {
	OnTime, Late, Overdue, Running int
}

// Add adds o to t.
func (t *TimingCounts) Add(o TimingCounts) {
	t.OnTime += o.OnTime
	t.Late += o.Late
	t.Overdue += o.Overdue
	t.Running += o.Running
}

// AddVerdict adds one verdict (TimingOnTime …) of stage to m; other
// verdicts count nothing.
func AddVerdict(m map[string]TimingCounts, stage, verdict string) {
	c := m[stage]
	switch verdict {
	case TimingOnTime:
		c.OnTime++
	case TimingLate:
		c.Late++
	case TimingOverdue:
		c.Overdue++
	case TimingRunning:
		c.Running++
	default:
		return
	}
	m[stage] = c
}

// Decided counts the verdicts that say whether the stage was on time: all
// but the ones still running before their due time.
func (t TimingCounts) Decided() int { return t.OnTime + t.Late + t.Overdue }

// Rate is the on-time share of the decided verdicts; ok is false when none
// is decided.
func (t TimingCounts) Rate() (rate float64, ok bool) {
	if t.Decided() == 0 {
		return 0, false
	}
	return float64(t.OnTime) / float64(t.Decided()), true
}

// ReportCount is one group of a GROUP BY count.
type ReportCount struct {
	Key   string
	Count int
}

// DeptCount is one group of a GROUP BY department and key count.
type DeptCount struct {
	Department string
	Key        string
	Count      int
}

// ReportTotals are the month's counts for the ledger's summary and the
// charts (policy 3.1 monthly statistics, 4.4.1).
type ReportTotals struct {
	Cases        int
	Major        int
	Urgent       int
	Reopened     int // cases with at least one "reopen" event
	ByCategory   []ReportCount
	ByDepartment []ReportCount
	BySource     []ReportCount
	ByCriterion  []ReportCount // major cases by policy 4.1.3 criterion
	ByStatus     []ReportCount
	// Stages are the verdicts per stage over the month's cases.
	Stages map[string]TimingCounts
	// CallBacks counts each case's newest call-back outcome.
	CallBacks []ReportCount
	// Ratings counts the residents' scores ("1" … "5").
	Ratings []ReportCount
	// Departments are the assessment numbers of every department that
	// holds a case of the period or has a warning in it, by key.
	Departments []*DeptStats
}

// DeptStats are one department's numbers for the monthly assessment
// (policy 6.1, 6.2), over the cases created in the month that the
// department holds now.
type DeptStats struct {
	Department string
	Cases      int
	Major      int
	Reopened   int
	// Stages are the verdicts per stage.
	Stages map[string]TimingCounts
	// Warnings counts the warnings recorded against the department in the
	// month; Responsible counts them per person (policy 6.2).
	Warnings    int
	Responsible []ReportCount
	// Approvals counts approved measure versions; ApprovalSeconds is the
	// sum of their latencies from proposal to approval (policy 4.2.7).
	Approvals       int
	ApprovalSeconds float64
	// CallBacks counts each case's newest call-back outcome.
	CallBacks []ReportCount
}

// AddWarnings adds n warnings naming person ("" for none) to s.
func (s *DeptStats) AddWarnings(person string, n int) {
	s.Warnings += n
	if person != "" {
		s.Responsible = append(s.Responsible, ReportCount{Key: person, Count: n})
	}
}

// SortResponsible orders the persons warned: most warnings first, then by
// roster ID.
func (s *DeptStats) SortResponsible() { SortCounts(s.Responsible) }

// SortCounts orders rows the way every report lists counts: largest
// first, then by key.
func SortCounts(rows []ReportCount) {
	slices.SortFunc(rows, func(a, b ReportCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Key, b.Key))
	})
}

// CountRows turns counts by key into rows in SortCounts order.
func CountRows(m map[string]int) []ReportCount {
	out := make([]ReportCount, 0, len(m))
	for k, n := range m {
		out = append(out, ReportCount{Key: k, Count: n})
	}
	SortCounts(out)
	return out
}

// ReportService reads what the monthly ledger, charts and scorecard need.
// Periods are half-open: [since, until). now decides which running
// deadlines are overdue.
type ReportService interface {
	// LedgerCases calls fn with the cases created in the period, in ID
	// order, in batches of at most batch (default 500, at most 5000), each
	// batch read with a fixed number of queries. An error from fn stops the
	// walk and is returned as is.
	LedgerCases(ctx context.Context, since, until, now time.Time, batch int, fn func([]*LedgerCase) error) error
	// ReportTotals counts the period's cases by category, department,
	// source, criterion and status, their stage verdicts, call-back
	// outcomes and ratings, and each department's assessment numbers,
	// with GROUP BY queries (and one pass over the deadlines in case
	// order for the stage verdicts).
	ReportTotals(ctx context.Context, since, until, now time.Time) (*ReportTotals, error)
	// WarningCounts counts the warnings recorded in the period by
	// department and responsible person (policy 6.1, 6.2): the part of
	// ReportTotals that is not about the period's cases.
	WarningCounts(ctx context.Context, since, until time.Time) ([]DeptCount, error)
	// CaseCounts returns how many cases were created in each period
	// [bounds[i], bounds[i+1]); bounds must be increasing. Returns EINVALID
	// for fewer than two bounds.
	CaseCounts(ctx context.Context, bounds []time.Time) ([]int, error)
}
