package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"tapline/bot/policy"
	"tapline/models"
	"tapline/models/store"
	"tapline/models/store/storetest"
	"tapline/scripts/seed/seedgen"
)

var (
	reportCST   = time.FixedZone("CST", 8*3600)
	reportStart = time.Date(2026, 11, 1, 0, 0, 0, 0, reportCST)
	reportEnd   = time.Date(2026, 12, 1, 0, 0, 0, 0, reportCST)
	reportNow   = time.Date(2026, 12, 3, 10, 0, 0, 0, reportCST)
)

// seedReport fills November 2026 with n cases and October with a few.
func seedReport(t *testing.T, n int) *store.DB {
	t.Helper()
	p, err := policy.Load("../../configs/policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	db := storetest.Open(t)
	for _, o := range []seedgen.Options{
		{Month: reportStart.AddDate(0, -1, 0), Cases: 7, Seed: 1, Now: reportNow, Cluster: -1},
		{Month: reportStart, Cases: n, Seed: 2, Now: reportNow},
	} {
		if _, err := seedgen.Generate(context.Background(), db, p, o); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

func TestLedgerCasesWalksTheMonthInBatches(t *testing.T) {
	db := seedReport(t, 130)
	ctx := context.Background()
	var ids []uint64
	batches := 0
	err := db.LedgerCases(ctx, reportStart, reportEnd, reportNow, 50, func(b []*models.LedgerCase) error {
		batches++
		if len(b) > 50 {
			t.Errorf("batch of %d, want at most 50", len(b))
		}
		for _, lc := range b {
			if lc.Case.CreatedAt.Before(reportStart) || !lc.Case.CreatedAt.Before(reportEnd) {
				t.Errorf("case %s outside the month", lc.Case.Number)
			}
			if lc.Measure != nil && lc.Measure.Version != lc.Work.MeasureVersion {
				t.Errorf("case %s: measure v%d, work says v%d", lc.Case.Number, lc.Measure.Version, lc.Work.MeasureVersion)
			}
			ids = append(ids, lc.Case.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 130 || batches != 3 {
		t.Fatalf("walked %d cases in %d batches, want 130 in 3", len(ids), batches)
	}
	for i := 1; i < len(ids); i++ {
		if ids[i] <= ids[i-1] {
			t.Fatalf("IDs not increasing at %d: %d after %d", i, ids[i], ids[i-1])
		}
	}
	stop := errors.New("stop")
	calls := 0
	err = db.LedgerCases(ctx, reportStart, reportEnd, reportNow, 50, func([]*models.LedgerCase) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("fn error: %v after %d calls, want stop after 1", err, calls)
	}
}

func TestReportTotalsAgreeWithDepartments(t *testing.T) {
	db := seedReport(t, 150)
	ctx := context.Background()
	tot, err := db.ReportTotals(ctx, reportStart, reportEnd, reportNow)
	if err != nil {
		t.Fatal(err)
	}
	depts := tot.Departments
	if tot.Cases != 150 {
		t.Fatalf("totals count %d cases, want 150 (October's stay out)", tot.Cases)
	}
	cases, major, reopened := 0, 0, 0
	stages := map[string]models.TimingCounts{}
	for _, d := range depts {
		cases, major, reopened = cases+d.Cases, major+d.Major, reopened+d.Reopened
		for st, c := range d.Stages {
			s := stages[st]
			s.Add(c)
			stages[st] = s
		}
	}
	if cases != tot.Cases || major != tot.Major || reopened != tot.Reopened {
		t.Errorf("departments sum to %d cases, %d major, %d reopened; totals %d, %d, %d",
			cases, major, reopened, tot.Cases, tot.Major, tot.Reopened)
	}
	for st, c := range tot.Stages {
		if stages[st] != c {
			t.Errorf("stage %s: totals %+v, departments %+v", st, c, stages[st])
		}
	}
	sum := func(rows []models.ReportCount) (n int) {
		for _, r := range rows {
			n += r.Count
		}
		return n
	}
	if sum(tot.BySource) != 150 || sum(tot.ByDepartment) != 150 || sum(tot.ByStatus) != 150 || sum(tot.ByCriterion) != tot.Major {
		t.Errorf("group sums: source %d, department %d, status %d, criterion %d (major %d)",
			sum(tot.BySource), sum(tot.ByDepartment), sum(tot.ByStatus), sum(tot.ByCriterion), tot.Major)
	}
}

func TestCaseCounts(t *testing.T) {
	db := seedReport(t, 40)
	ctx := context.Background()
	got, err := db.CaseCounts(ctx, []time.Time{reportStart.AddDate(0, -2, 0), reportStart.AddDate(0, -1, 0), reportStart, reportEnd})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0] != 0 || got[1] != 7 || got[2] != 40 {
		t.Errorf("counts = %v, want [0 7 40]", got)
	}
	for _, bad := range [][]time.Time{nil, {reportStart}, {reportEnd, reportStart}} {
		if _, err := db.CaseCounts(ctx, bad); models.ErrorCode(err) != models.EINVALID {
			t.Errorf("CaseCounts(%v) err = %v, want EINVALID", bad, err)
		}
	}
}

// TestReportReadsDoNotWaitForTheWriter: while a write transaction holds
// the writer (SQLite's one connection), a month's ledger walk and totals
// still run: reports read on their own pool.
func TestReportReadsDoNotWaitForTheWriter(t *testing.T) {
	db := seedReport(t, 60)
	started, release, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		done <- db.Gorm().Transaction(func(tx *gorm.DB) error {
			if err := tx.Exec("UPDATE cases SET updated_at = updated_at WHERE id = 1").Error; err != nil {
				close(started)
				return err
			}
			close(started)
			<-release
			return nil
		})
	}()
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	n := 0
	err := db.LedgerCases(ctx, reportStart, reportEnd, reportNow, 25, func(b []*models.LedgerCase) error {
		n += len(b)
		return nil
	})
	if err != nil || n != 60 {
		t.Errorf("ledger walk beside an open write: %d cases, %v", n, err)
	}
	if tot, err := db.ReportTotals(ctx, reportStart, reportEnd, reportNow); err != nil || tot.Cases != 60 {
		t.Errorf("totals beside an open write: %+v, %v", tot, err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
