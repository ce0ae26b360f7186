package report_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"tapline/bot/policy"
	"tapline/bot/report"
	"tapline/models"
	"tapline/models/store"
	"tapline/models/store/storetest"
	"tapline/scripts/seed/seedgen"
)

// testNow is when the tests look at November 2026.
var testNow = time.Date(2026, 12, 3, 10, 0, 0, 0, report.CST)

// november is the seeded month.
var november = report.Month{Year: 2026, Month: time.November}

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

func mustPolicy(tb testing.TB) *policy.Policy {
	tb.Helper()
	p, err := policy.Load("../../configs/policy.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// seeded returns a store with n cases seeded in November 2026 and a
// report service on it.
func seeded(tb testing.TB, n int) (*store.DB, *report.Service, *seedgen.Result) {
	tb.Helper()
	db := storetest.Open(tb)
	p := mustPolicy(tb)
	var res *seedgen.Result
	if n > 0 {
		var err error
		res, err = seedgen.Generate(context.Background(), db, p,
			seedgen.Options{Month: november.Start(), Cases: n, Seed: 42, Now: testNow})
		if err != nil {
			tb.Fatal(err)
		}
	}
	return db, report.New(db, p, report.WithClock(fixedClock{testNow}), report.WithBatch(64),
		report.WithPreventions(db)), res
}

// mustLedger writes the ledger and opens it again with excelize.
func mustLedger(tb testing.TB, svc *report.Service, m report.Month, opt report.LedgerOptions) *excelize.File {
	tb.Helper()
	var buf bytes.Buffer
	if err := svc.Ledger(context.Background(), m, &buf, opt); err != nil {
		tb.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		tb.Fatalf("ledger is not a workbook: %v", err)
	}
	tb.Cleanup(func() { _ = f.Close() })
	return f
}

// mustRows returns a sheet's rows.
func mustRows(tb testing.TB, f *excelize.File, sheet string) [][]string {
	tb.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		tb.Fatalf("sheet %s: %v", sheet, err)
	}
	return rows
}

// column returns the index of a header cell.
func column(tb testing.TB, header []string, name string) int {
	tb.Helper()
	for i, h := range header {
		if h == name {
			return i
		}
	}
	tb.Fatalf("no column %q in %v", name, header)
	return -1
}

// cell returns row[i] or "" past its end (excelize trims empty tails).
func cell(row []string, i int) string {
	if i < len(row) {
		return row[i]
	}
	return ""
}

// raw is the seeded data read back with plain queries, for recomputing.
type raw struct {
	cases     []models.Case
	deadlines []models.Deadline
	events    []models.CaseEvent
	warnings  []models.Warning
	callbacks []models.CallBack
}

func mustRaw(tb testing.TB, db *store.DB, m report.Month) *raw {
	tb.Helper()
	r := &raw{}
	g := db.Gorm()
	for _, q := range []error{
		g.Where("created_at >= ? AND created_at < ?", m.Start().UTC(), m.End().UTC()).Order("id").Find(&r.cases).Error,
		g.Order("id").Find(&r.deadlines).Error,
		g.Order("id").Find(&r.events).Error,
		g.Order("id").Find(&r.warnings).Error,
		g.Order("id").Find(&r.callbacks).Error,
	} {
		if q != nil {
			tb.Fatal(q)
		}
	}
	return r
}

// verdicts recomputes each case's stage verdicts from its deadlines: the
// worst of overdue, late, running, on time.
func (r *raw) verdicts(now time.Time) map[uint64]map[string]string {
	rank := map[string]int{models.TimingOverdue: 4, models.TimingLate: 3, models.TimingRunning: 2, models.TimingOnTime: 1}
	out := map[uint64]map[string]string{}
	for _, d := range r.deadlines {
		v := ""
		switch {
		case d.Status == models.DeadlineRunning && d.DueAt.Before(now):
			v = models.TimingOverdue
		case d.Status == models.DeadlineRunning:
			v = models.TimingRunning
		case d.DoneAt != nil && d.DoneAt.After(d.DueAt):
			v = models.TimingLate
		case d.Status == models.DeadlineDone:
			v = models.TimingOnTime
		}
		if v == "" {
			continue
		}
		if out[d.CaseID] == nil {
			out[d.CaseID] = map[string]string{}
		}
		if rank[v] > rank[out[d.CaseID][d.Stage]] {
			out[d.CaseID][d.Stage] = v
		}
	}
	return out
}
