package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/pprof"

	"tapline/bot/report"
	"tapline/scripts/seed/seedgen"
)

// countingWriter counts the bytes written through it.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

// runBench times the month's ledger and every chart, and prints the time
// and memory they took (issue 5: under 10 s and bounded memory for
// 100 000 cases). Run it in a process of its own (-cases 0) for a peak
// RSS that excludes the seeding.
func runBench(ctx context.Context, svc *report.Service, m report.Month, dialect, profile string, out io.Writer) error {
	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			return err
		}
		defer func() { _ = f.Close() }()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	var w countingWriter
	var charts int
	u, err := seedgen.Measure(func() error {
		c, err := svc.LedgerAndCharts(ctx, m, &w, report.LedgerOptions{})
		charts = len(c)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "bench %s on %s: ledger (%.1f MB) + %d charts in %s; peak heap %.0f MB, peak RSS %.0f MB\n",
		m, dialect, float64(w.n)/1e6, charts, u.Elapsed.Round(10e6),
		float64(u.PeakHeap)/1e6, float64(u.PeakRSS)/1e6)
	return nil
}
