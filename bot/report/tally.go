package report

import (
	"cmp"
	"slices"
	"strconv"

	"tapline/models"
)

// tally counts a month's totals from its ledger cases as they stream by,
// so the ledger and its charts read the month once. It counts what
// models.ReportService.ReportTotals counts with GROUP BY queries, in the
// same order (models.CountRows); the tests hold the two to the same
// numbers.
type tally struct {
	cases, major, urgent, reopened                  int
	category, department, source, criterion, status map[string]int
	callBacks, ratings                              map[string]int
	stages                                          map[string]models.TimingCounts
	depts                                           map[string]*models.DeptStats
	deptCallBacks                                   map[string]map[string]int
}

// newTally returns an empty tally.
func newTally() *tally {
	return &tally{category: map[string]int{}, department: map[string]int{}, source: map[string]int{},
		criterion: map[string]int{}, status: map[string]int{}, callBacks: map[string]int{}, ratings: map[string]int{},
		stages: map[string]models.TimingCounts{}, depts: map[string]*models.DeptStats{},
		deptCallBacks: map[string]map[string]int{}}
}

// dept returns a department's numbers, created empty.
func (t *tally) dept(key string) *models.DeptStats {
	if t.depts[key] == nil {
		t.depts[key] = &models.DeptStats{Department: key, Stages: map[string]models.TimingCounts{}}
	}
	return t.depts[key]
}

// add counts one case.
func (t *tally) add(lc *models.LedgerCase) {
	c := &lc.Case
	d := t.dept(c.Department)
	t.cases++
	d.Cases++
	t.category[c.Category]++
	t.department[c.Department]++
	t.source[c.Source]++
	t.status[c.Status]++
	if c.Major {
		t.major++
		d.Major++
		t.criterion[c.MajorReason]++
	}
	if c.Urgent {
		t.urgent++
	}
	if lc.Reopens > 0 {
		t.reopened++
		d.Reopened++
	}
	for stage, verdict := range lc.Stages {
		models.AddVerdict(t.stages, stage, verdict)
		models.AddVerdict(d.Stages, stage, verdict)
	}
	if n := len(lc.CallBacks); n > 0 {
		outcome := lc.CallBacks[n-1].Outcome
		t.callBacks[outcome]++
		if t.deptCallBacks[c.Department] == nil {
			t.deptCallBacks[c.Department] = map[string]int{}
		}
		t.deptCallBacks[c.Department][outcome]++
	}
	if lc.Rating != nil {
		t.ratings[strconv.Itoa(lc.Rating.Score)]++
	}
	d.Approvals += lc.Approved
	d.ApprovalSeconds += lc.ApprovalSeconds
}

// totals returns the counts with the month's warnings added.
func (t *tally) totals(warnings []models.DeptCount) *models.ReportTotals {
	for _, w := range warnings {
		t.dept(w.Department).AddWarnings(w.Key, w.Count)
	}
	out := &models.ReportTotals{Cases: t.cases, Major: t.major, Urgent: t.urgent, Reopened: t.reopened,
		ByCategory: models.CountRows(t.category), ByDepartment: models.CountRows(t.department),
		BySource: models.CountRows(t.source), ByCriterion: models.CountRows(t.criterion),
		ByStatus: models.CountRows(t.status), Stages: t.stages,
		CallBacks: models.CountRows(t.callBacks), Ratings: models.CountRows(t.ratings)}
	for key, d := range t.depts {
		d.SortResponsible()
		if cbs := t.deptCallBacks[key]; len(cbs) > 0 {
			d.CallBacks = models.CountRows(cbs)
		}
		out.Departments = append(out.Departments, d)
	}
	slices.SortFunc(out.Departments, func(a, b *models.DeptStats) int { return cmp.Compare(a.Department, b.Department) })
	return out
}
