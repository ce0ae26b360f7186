package report_test

import (
	"context"
	"math"
	"testing"
	"time"

	"tapline/bot/report"
	"tapline/models"
)

// expected is a department's scorecard recomputed from raw rows.
type expected struct {
	cases, overdue, warnings, reopened   int
	accept, feedback, resolve, satisfied report.Rate
	latency                              []float64
}

// recompute derives every department's numbers from the raw rows: stage
// verdicts from deadlines, latency from propose → approve events, reopen
// from events, satisfaction from the newest call-back.
func recompute(r *raw, m report.Month, now time.Time) map[string]*expected {
	out := map[string]*expected{}
	dept := map[uint64]string{}
	get := func(d string) *expected {
		if out[d] == nil {
			out[d] = &expected{}
		}
		return out[d]
	}
	for _, c := range r.cases {
		dept[c.ID] = c.Department
		get(c.Department).cases++
	}
	for id, stages := range r.verdicts(now) {
		d, ok := dept[id]
		if !ok {
			continue
		}
		e := get(d)
		for stage, v := range stages {
			if v == models.TimingLate || v == models.TimingOverdue {
				e.overdue++
			}
			rate := map[string]*report.Rate{models.StageAccept: &e.accept, models.StageFeedback: &e.feedback,
				models.StageResolve: &e.resolve}[stage]
			if rate != nil && v != models.TimingRunning {
				rate.Den++
				if v == models.TimingOnTime {
					rate.Num++
				}
			}
		}
	}
	for _, w := range r.warnings {
		if !w.CreatedAt.Before(m.Start()) && w.CreatedAt.Before(m.End()) {
			get(w.Department).warnings++
		}
	}
	recomputeEvents(r, dept, get)
	newest := map[uint64]models.CallBack{}
	for _, cb := range r.callbacks {
		newest[cb.CaseID] = cb
	}
	for id, cb := range newest {
		if d, ok := dept[id]; ok && cb.Outcome != models.OutcomeUnreachable {
			e := get(d)
			e.satisfied.Den++
			if cb.Outcome != models.OutcomeUnsatisfied {
				e.satisfied.Num++
			}
		}
	}
	return out
}

// recomputeEvents pairs each approve event with the propose before it,
// and counts reopened cases.
func recomputeEvents(r *raw, dept map[uint64]string, get func(string) *expected) {
	proposed := map[uint64]time.Time{}
	reopened := map[uint64]bool{}
	for _, e := range r.events {
		d, ok := dept[e.CaseID]
		if !ok {
			continue
		}
		switch e.Type {
		case "propose":
			proposed[e.CaseID] = e.CreatedAt
		case "approve":
			get(d).latency = append(get(d).latency, e.CreatedAt.Sub(proposed[e.CaseID]).Seconds())
		case "reopen":
			if !reopened[e.CaseID] {
				reopened[e.CaseID] = true
				get(d).reopened++
			}
		}
	}
}

func TestScorecardIsRecomputedFromRawRows(t *testing.T) {
	db, svc, _ := seeded(t, 200)
	scores, err := svc.Scorecard(context.Background(), november)
	if err != nil {
		t.Fatal(err)
	}
	p := mustPolicy(t)
	if len(scores) != len(p.Departments) {
		t.Fatalf("%d departments scored, want %d", len(scores), len(p.Departments))
	}
	want := recompute(mustRaw(t, db, november), november, testNow)
	warned := 0
	for _, s := range scores {
		e := want[s.Department]
		if e == nil {
			e = &expected{}
		}
		check := func(what string, got, want any) {
			if got != want {
				t.Errorf("%s %s = %v, want %v", s.Department, what, got, want)
			}
		}
		check("cases", s.Cases, e.cases)
		check("accept on time", s.AcceptOnTime, e.accept)
		check("same-day feedback", s.FeedbackSameDay, e.feedback)
		check("resolve on time", s.ResolveOnTime, e.resolve)
		check("overdue", s.Overdue, e.overdue)
		check("warnings", s.Warnings, e.warnings)
		check("reopened", s.Reopened, report.Rate{Num: e.reopened, Den: e.cases})
		check("satisfaction", s.Satisfaction, e.satisfied)
		check("approvals", s.Approvals, len(e.latency))
		sum := 0.0
		for _, l := range e.latency {
			sum += l
		}
		if len(e.latency) > 0 && math.Abs(s.ApprovalHours-sum/float64(len(e.latency))/3600) > 0.01 {
			t.Errorf("%s approval hours = %v, want %.3f", s.Department, s.ApprovalHours, sum/float64(len(e.latency))/3600)
		}
		n := 0
		for _, r := range s.Responsible {
			n += r.Warnings
			if r.Name == "" || r.ID == "" {
				t.Errorf("%s responsible person without a name: %+v", s.Department, r)
			}
		}
		check("warnings per person", n, s.Warnings)
		warned += s.Warnings
	}
	if warned == 0 {
		t.Error("no warnings in the seeded month: the scorecard test proves little")
	}
	if scores[0].Department != "hotline" {
		t.Errorf("first department %s, want the hotline (policy 3.1)", scores[0].Department)
	}
}

func TestParseMonth(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, report.CST)
	for _, tc := range []struct {
		in   string
		want string
	}{
		{"2026-11", "2026-11"}, {" 2026-1 ", "2026-01"}, {"2026/10", "2026-10"}, {"2026年3月", "2026-03"},
		{"202605", "2026-05"}, {"２０２６－１１", "2026-11"}, {"2025.12", "2025-12"},
	} {
		m, err := report.ParseMonth(tc.in, now)
		if err != nil || m.String() != tc.want {
			t.Errorf("ParseMonth(%q) = %v, %v; want %s", tc.in, m, err, tc.want)
		}
	}
	for _, in := range []string{"", "2026-13", "2026-00", "11月", "2026-11-01", "abc", "2026-12", "2027-01", "1999-01"} {
		_, err := report.ParseMonth(in, now)
		if models.ErrorCode(err) != models.EINVALID || models.ErrorMessage(err) == "" {
			t.Errorf("ParseMonth(%q) err = %v, want EINVALID with a message", in, err)
		}
	}
	if _, err := report.ParseMonth("2026-13", now); models.ErrorMessage(err) != "月份「2026-13」不存在：月份应在 1 到 12 之间。" {
		t.Errorf("2026-13 message = %q", models.ErrorMessage(err))
	}
}
