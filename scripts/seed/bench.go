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

// countingWriter counts the bytes written through it to w.
type countingWriter struct {
	w io.Writer
	n int64
}

func (w *countingWriter) Write(p []byte) (int, error) {
	n, err := w.w.Write(p)
	w.n += int64(n)
	return n, err
}

// runBench times the month's ledger and every chart, and prints the time
// and memory they took (issue 5: under 10 s and bounded memory for
// 100 000 cases). Run it in a process of its own (-cases 0) for a peak
// RSS that excludes the seeding.
func runBench(ctx context.Context, svc *report.Service, m report.Month, dialect, profile, save string, out io.Writer) error {
	w := countingWriter{w: io.Discard}
	if save != "" {
		f, err := os.Create(save)
		if err != nil {
			return err
		}
		defer func() { _ = f.Close() }()
		w.w = f
	}
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
