package main

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"
)

// The targets of issue 18 (2 cores, real MariaDB + Redis, 32 residents;
// issue 7's were 0.8×, 25 ms, 0.6×, 60 ms and 2×).
const (
	stepVsBaseline3   = 0.5
	stepP99           = 35 * time.Millisecond
	filingVsBaseline4 = 0.35
	filingP99         = 90 * time.Millisecond
	embeddedWithin    = 1.5
	rssLimitMB        = 150
	serverCPUMs       = 0.30 // per message
	mariaCPUMs        = 0.08 // per message
	filingMySQLTrips  = 6
	filingRedisTrips  = 3
)

// report is one backend's measurements.
type report struct {
	backend          string
	conc             int
	duration, warmup time.Duration
	baselines        []*phase
	tapline          *phase
	check            caseCheck
}

func (r *report) title() string {
	if r.backend == "real" {
		return "real MariaDB + Redis"
	}
	return "embedded default (SQLite + in-process Redis)"
}

func (r *report) print(out io.Writer) {
	fmt.Fprintf(out, "\n== %s: %d concurrent residents, %s measured per target after %s warm-up; %d CPUs, %s ==\n",
		r.title(), r.conc, r.duration, r.warmup, runtime.NumCPU(), runtime.Version())
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "target\tkind\tn\treq/s\t32÷mean\tp50 ms\tp99 ms\tmax ms\terrors\tpeak RSS MB\t")
	for _, p := range r.baselines {
		row(tw, p, p.name, kindEcho, r.conc, true)
	}
	row(tw, r.tapline, "Tapline", kindStep, r.conc, true)
	row(tw, r.tapline, "", kindFiling, r.conc, false)
	_ = tw.Flush()
	for k, v := range r.tapline.rec.errors {
		fmt.Fprintf(out, "  error: %s × %d\n", k, v)
	}
	if r.tapline.work != nil {
		r.tapline.work.print(out)
	}
	r.printTargets(out)
}

func row(w io.Writer, p *phase, name, kind string, conc int, first bool) {
	s := p.stats(kind, conc)
	errs, rss := "", ""
	if first {
		errs, rss = fmt.Sprint(p.errorCount()), fmt.Sprintf("%.0f", p.rssMB)
	}
	fmt.Fprintf(w, "%s\t%s\t%d\t%.0f\t%.0f\t%s\t%s\t%s\t%s\t%s\t\n", name, kind, s.n, s.rate, s.equiv,
		ms(s.p50), ms(s.p99), ms(s.max), errs, rss)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d)/float64(time.Millisecond)) }

// baseline returns the 32÷mean rate of baseline i (1-based), or 0.
func (r *report) baseline(i int) float64 {
	if len(r.baselines) < i {
		return 0
	}
	return r.baselines[i-1].stats(kindEcho, r.conc).equiv
}

// checks lists each target with whether it was met.
func (r *report) checks() []check {
	step, filing := r.tapline.stats(kindStep, r.conc), r.tapline.stats(kindFiling, r.conc)
	var cs []check
	if b3, b4 := r.baseline(3), r.baseline(4); b3 > 0 && b4 > 0 {
		cs = append(cs,
			check{fmt.Sprintf("ordinary step %.0f/s = %.2f× baseline (3) %.0f/s (target ≥ %.1f×)", step.equiv, step.equiv/b3, b3, stepVsBaseline3), step.equiv >= stepVsBaseline3*b3, true},
			check{fmt.Sprintf("filing %.0f/s = %.2f× baseline (4) %.0f/s (target ≥ %.1f×)", filing.equiv, filing.equiv/b4, b4, filingVsBaseline4), filing.equiv >= filingVsBaseline4*b4, true})
	}
	if w := r.tapline.work; w != nil {
		cs = append(cs, w.checks()...)
	}
	c := r.check
	return append(cs,
		check{fmt.Sprintf("ordinary step p99 %s ms (target ≤ %s ms)", ms(step.p99), ms(stepP99)), step.p99 <= stepP99, true},
		check{fmt.Sprintf("filing p99 %s ms (target ≤ %s ms)", ms(filing.p99), ms(filingP99)), filing.p99 <= filingP99, true},
		check{fmt.Sprintf("errors: %d; server ERROR log lines: %d", r.tapline.errorCount(), r.tapline.logErrs), r.tapline.errorCount() == 0, false},
		check{fmt.Sprintf("cases: %d residents confirmed, %d told a number, %d cases in the database, %d duplicates, %d lost, %d stray",
			c.confirmed, c.numbered, c.cases, c.duplicates, c.lost, c.stray), c.ok(), false},
		check{fmt.Sprintf("server peak RSS %.0f MB (child process, /proc/PID/status VmRSS every 100 ms; target < %d MB)", r.tapline.rssMB, rssLimitMB),
			r.tapline.rssMB < rssLimitMB, true},
	)
}

// check is one line of the targets list; perf marks performance targets
// (the others are correctness: they always fail the run).
type check struct {
	text string
	met  bool
	perf bool
}

func (r *report) printTargets(out io.Writer) {
	fmt.Fprintln(out, "targets:")
	for _, c := range r.checks() {
		mark := "met   "
		if !c.met {
			mark = "MISSED"
		}
		fmt.Fprintf(out, "  %s %s\n", mark, c.text)
	}
}

func (r *report) failed() bool {
	for _, c := range r.checks() {
		if !c.met && !c.perf {
			return true
		}
	}
	return false
}

func (r *report) targetsMet() bool {
	for _, c := range r.checks() {
		if !c.met {
			return false
		}
	}
	return true
}

// compareBackends prints the embedded default against the real services.
func compareBackends(out io.Writer, real, emb *report) {
	fmt.Fprintf(out, "\n== embedded default vs real services (target: within %.0f×) ==\n", embeddedWithin)
	var b strings.Builder
	for _, kind := range []string{kindStep, kindFiling} {
		rs, es := real.tapline.stats(kind, real.conc), emb.tapline.stats(kind, emb.conc)
		if rs.equiv == 0 || es.equiv == 0 {
			continue
		}
		met := rs.equiv <= embeddedWithin*es.equiv
		mark := map[bool]string{true: "met   ", false: "MISSED"}[met]
		fmt.Fprintf(&b, "  %s %s: embedded %.0f/s vs real %.0f/s = %.2f×; p99 %s vs %s ms\n", mark, kind,
			es.equiv, rs.equiv, es.equiv/rs.equiv, ms(es.p99), ms(rs.p99))
	}
	fmt.Fprint(out, b.String())
}
