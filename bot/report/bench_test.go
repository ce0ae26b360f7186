package report_test

import (
	"context"
	"io"
	"os"
	"strconv"
	"testing"

	"tapline/bot/report"
	"tapline/models/store/storetest"
	"tapline/scripts/seed/seedgen"
)

// BenchmarkLedger100k times the ledger and every chart of a month of
// 100 000 cases (issue 5: under 10 s, bounded memory) and reports the
// peak heap. It seeds for minutes, so it runs only when asked:
//
//	TAPLINE_BENCH_100K=1 go test -run '^$' -bench Ledger100k -benchtime 1x ./bot/report/
//
// (with TAPLINE_TEST_MYSQL_DSN set, on MariaDB). TAPLINE_BENCH_CASES
// changes the size.
func BenchmarkLedger100k(b *testing.B) {
	if os.Getenv("TAPLINE_BENCH_100K") == "" {
		b.Skip("set TAPLINE_BENCH_100K=1 to seed 100 000 cases and time the ledger")
	}
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("TAPLINE_BENCH_CASES")); err == nil && v > 0 {
		n = v
	}
	db := storetest.Open(b)
	p := mustPolicy(b)
	ctx := context.Background()
	if _, err := seedgen.Generate(ctx, db, p, seedgen.Options{Month: november.Start(), Cases: n, Seed: 1, Now: testNow}); err != nil {
		b.Fatal(err)
	}
	svc := report.New(db, p, report.WithClock(fixedClock{testNow}), report.WithPreventions(db))
	b.ResetTimer()
	for b.Loop() {
		u, err := seedgen.Measure(func() error {
			_, err := svc.LedgerAndCharts(ctx, november, io.Discard, report.LedgerOptions{})
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(u.Elapsed.Seconds(), "s/ledger+charts")
		b.ReportMetric(float64(u.PeakHeap)/1e6, "MB-peak-heap")
		b.Logf("%d cases on %s: %s, peak heap %.0f MB, process peak RSS %.0f MB", n, storetest.Backend(),
			u.Elapsed, float64(u.PeakHeap)/1e6, float64(u.PeakRSS)/1e6)
	}
}
