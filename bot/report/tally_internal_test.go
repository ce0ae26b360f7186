package report

import (
	"context"
	"fmt"
	"io"
	"math"
	"reflect"
	"testing"
	"time"

	"tapline/bot/policy"
	"tapline/models"
	"tapline/models/store/storetest"
	"tapline/scripts/seed/seedgen"
)

type stillClock struct{ t time.Time }

func (c stillClock) Now() time.Time { return c.t }

// TestTallyMatchesReportTotals: the totals the ledger counts as it streams
// the cases are the store's GROUP BY totals, number for number, also when
// cases of another month sit between the month's case IDs.
func TestTallyMatchesReportTotals(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	p, err := policy.Load("../../configs/policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, CST)
	month := Month{Year: 2026, Month: time.November}
	for _, o := range []seedgen.Options{
		{Month: month.Add(-1).Start(), Cases: 20, Seed: 7, Now: now, Cluster: -1},
		{Month: month.Start(), Cases: 300, Seed: 42, Now: now},
	} {
		if _, err := seedgen.Generate(ctx, db, p, o); err != nil {
			t.Fatal(err)
		}
	}
	// Every tenth November case moves to October: holes in the ID range.
	moved := db.Gorm().Exec("UPDATE cases SET created_at = ? WHERE id % 10 = 0 AND created_at >= ?",
		month.Start().Add(-time.Hour).UTC(), month.Start().UTC())
	if moved.Error != nil || moved.RowsAffected < 20 {
		t.Fatalf("moving cases: %v (%d rows)", moved.Error, moved.RowsAffected)
	}
	want, err := db.ReportTotals(ctx, month.Start(), month.End(), now)
	if err != nil {
		t.Fatal(err)
	}
	svc := New(db, p, WithClock(stillClock{now}), WithBatch(64))
	var got *models.ReportTotals
	if err := svc.ledger(ctx, month, io.Discard, LedgerOptions{}, func(tot *models.ReportTotals) error {
		got = tot
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got.Cases != 300-int(moved.RowsAffected) || want.Cases != got.Cases {
		t.Fatalf("cases: tally %d, store %d, want %d", got.Cases, want.Cases, 300-moved.RowsAffected)
	}
	compareTotals(t, got, want)
}

// compareTotals reports every field where the tally and the store differ;
// approval latencies may differ by rounding.
func compareTotals(t *testing.T, got, want *models.ReportTotals) {
	t.Helper()
	if len(got.Departments) != len(want.Departments) {
		t.Fatalf("departments: tally %d, store %d", len(got.Departments), len(want.Departments))
	}
	approvals := 0
	for i, g := range got.Departments {
		w := want.Departments[i]
		if math.Abs(g.ApprovalSeconds-w.ApprovalSeconds) > 0.01*float64(max(1, w.Approvals)) {
			t.Errorf("%s approval seconds: tally %.3f, store %.3f", g.Department, g.ApprovalSeconds, w.ApprovalSeconds)
		}
		approvals += w.Approvals
		gc, wc := *g, *w
		gc.ApprovalSeconds, wc.ApprovalSeconds = 0, 0
		if !reflect.DeepEqual(gc, wc) {
			t.Errorf("department %s:\n tally %+v\n store %+v", g.Department, gc, wc)
		}
	}
	if approvals == 0 {
		t.Error("no approved measures in the seeded month: the latency is not compared")
	}
	gv, wv := reflect.ValueOf(*got), reflect.ValueOf(*want)
	for i := range gv.NumField() {
		if name := gv.Type().Field(i).Name; name != "Departments" &&
			!reflect.DeepEqual(gv.Field(i).Interface(), wv.Field(i).Interface()) {
			t.Errorf("%s:\n tally %s\n store %s", name, fmt.Sprint(gv.Field(i)), fmt.Sprint(wv.Field(i)))
		}
	}
}
