package report

import (
	"context"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/plot"

	"tapline/bot/policy"
	"tapline/models"
)

// fakeTotals serves fixed totals per month.
type fakeTotals map[Month]*models.ReportTotals

func (f fakeTotals) ReportTotals(_ context.Context, since, _, _ time.Time) (*models.ReportTotals, error) {
	if t := f[MonthOf(since)]; t != nil {
		return t, nil
	}
	return &models.ReportTotals{}, nil
}

func (fakeTotals) LedgerCases(context.Context, time.Time, time.Time, time.Time, int, func([]*models.LedgerCase) error) error {
	return nil
}

func (fakeTotals) WarningCounts(context.Context, time.Time, time.Time) ([]models.DeptCount, error) {
	return nil, nil
}

func (fakeTotals) CaseCounts(_ context.Context, bounds []time.Time) ([]int, error) {
	out := make([]int, len(bounds)-1)
	for i := range out {
		out[i] = 7 * i
	}
	return out, nil
}

var (
	chartNow = time.Date(2026, 12, 3, 10, 0, 0, 0, CST)
	nov      = Month{Year: 2026, Month: time.November}
)

// chartFixture is a service on a month where the first two departments
// have cases (the first at 100 % throughout) and every other none, and
// the month before has cases in the second and third.
func chartFixture(t *testing.T) (*Service, *fontSet, []string) {
	t.Helper()
	pol, err := policy.Load("../../configs/policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := New(nil, pol, WithClock(fixedNow{chartNow}))
	var deps []string
	for _, d := range s.departments() {
		deps = append(deps, d.Key)
	}
	all := models.TimingCounts{OnTime: 4}
	half := models.TimingCounts{OnTime: 3, Late: 3}
	stages := func(tc models.TimingCounts) map[string]models.TimingCounts {
		return map[string]models.TimingCounts{models.StageAccept: tc, models.StageFeedback: tc, models.StageResolve: tc}
	}
	s.data = fakeTotals{
		nov: {Cases: 10, ByDepartment: []models.ReportCount{{Key: deps[0], Count: 4}, {Key: deps[1], Count: 6}},
			ByCategory: []models.ReportCount{{Key: pol.Categories[0].Key, Count: 10}},
			BySource:   []models.ReportCount{{Key: models.SourcePhone, Count: 10}},
			CallBacks: []models.ReportCount{{Key: models.OutcomeSatisfied, Count: 20}, {Key: models.OutcomeUnsatisfied, Count: 2},
				{Key: models.OutcomeUnreachable, Count: 1}},
			Ratings: []models.ReportCount{{Key: "5", Count: 9}, {Key: "3", Count: 3}},
			Departments: []*models.DeptStats{
				{Department: deps[0], Cases: 4, Stages: stages(all), CallBacks: []models.ReportCount{{Key: models.OutcomeSatisfied, Count: 4}}},
				{Department: deps[1], Cases: 6, Stages: stages(half)},
			}},
		nov.Add(-1): {Cases: 7, ByDepartment: []models.ReportCount{{Key: deps[1], Count: 5}, {Key: deps[2], Count: 2}},
			ByCategory: []models.ReportCount{{Key: pol.Categories[1].Key, Count: 7}},
			BySource:   []models.ReportCount{{Key: models.SourceWeChat, Count: 7}}},
	}
	fs := *s.chartFonts()
	fs.cjk = true // the Chinese texts, whichever font draws them
	return s, &fs, deps
}

type fixedNow struct{ t time.Time }

func (c fixedNow) Now() time.Time { return c.t }

// chartPanels builds chart n of November.
func chartPanels(t *testing.T, s *Service, fs *fontSet, n string) []*panel {
	t.Helper()
	d := &chartData{month: nov, now: chartNow}
	if err := s.loadChartData(context.Background(), d, []string{n}); err != nil {
		t.Fatal(err)
	}
	panels, err := s.panels(fs, n, d)
	if err != nil {
		t.Fatal(err)
	}
	return panels
}

// TestEmptyDepartmentShowsDash: in the rate charts a department without
// cases is labelled "—" in every series (not 0.0 %) and named as having
// none; one with cases shows its rates.
func TestEmptyDepartmentShowsDash(t *testing.T) {
	s, fs, _ := chartFixture(t)
	for _, n := range []string{ChartOnTime, ChartScorecard} {
		pn := chartPanels(t, s, fs, n)[0]
		if !strings.Contains(pn.xLabels[2], "无投诉") || !strings.Contains(pn.xLabels[0], "4 件") {
			t.Errorf("%s: x labels %q", n, pn.xLabels)
		}
		for _, sr := range pn.series {
			if sr.labels[2] != noData || sr.values[2] != 0 {
				t.Errorf("%s %s: empty department labelled %q (%v), want —", n, sr.name, sr.labels[2], sr.values[2])
			}
			if sr.labels[0] == noData || strings.HasPrefix(sr.labels[0], "0") {
				t.Errorf("%s %s: department at 100%% labelled %q", n, sr.name, sr.labels[0])
			}
		}
	}
	if l := chartPanels(t, s, fs, ChartOnTime)[0].series[0].labels; l[0] != "100.0%" || l[1] != "50.0%" {
		t.Errorf("on-time labels %q, want 100.0%% and 50.0%%", l[:2])
	}
	for _, sc := range s.scorecard(mustTotals(t, s).Departments)[2:] {
		if sc.OnTime.String() != noData || sc.Satisfaction.String() != noData {
			t.Errorf("scorecard of %s: %s / %s, want —", sc.Department, sc.OnTime, sc.Satisfaction)
		}
	}
}

func mustTotals(t *testing.T, s *Service) *models.ReportTotals {
	t.Helper()
	tot, err := s.monthTotals(context.Background(), nov, chartNow)
	if err != nil {
		t.Fatal(err)
	}
	return tot
}

// TestRateAxisStopsAt100: a rate axis runs 0–100 % even with rates of
// 100 %, its marks never past 100.
func TestRateAxisStopsAt100(t *testing.T) {
	s, fs, _ := chartFixture(t)
	for _, n := range []string{ChartOnTime, ChartScorecard} {
		p := chartPanels(t, s, fs, n)[0].p
		if p.Y.Min != 0 || p.Y.Max != 100 {
			t.Errorf("%s: axis %v–%v, want 0–100", n, p.Y.Min, p.Y.Max)
		}
		var labels []string
		for _, tk := range p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max) {
			if tk.Value > 100 {
				t.Errorf("%s: mark at %v", n, tk.Value)
			}
			if tk.Label != "" {
				labels = append(labels, tk.Label)
			}
		}
		if strings.Join(labels, " ") != "0% 20% 40% 60% 80% 100%" {
			t.Errorf("%s: marks %q", n, labels)
		}
	}
}

// TestCountTicksAreWhole: every count axis is marked at whole numbers,
// labelled as such, and reaches past its highest bar.
func TestCountTicksAreWhole(t *testing.T) {
	s, fs, _ := chartFixture(t)
	for _, n := range []string{ChartCategory, ChartDepartment, ChartSource, ChartTrend, ChartSatisfaction} {
		for _, pn := range chartPanels(t, s, fs, n) {
			checkWholeTicks(t, n, pn.p)
		}
	}
	for _, top := range []float64{0, 1, 3, 7, 35, 99, 123, 4567} {
		p := newPlot(fs, "", "")
		countAxis(p, top)
		if p.Y.Max < top*1.05 || p.Y.Max != math.Trunc(p.Y.Max) {
			t.Errorf("top %v: axis to %v", top, p.Y.Max)
		}
		checkWholeTicks(t, strconv.Itoa(int(top)), p)
	}
}

func checkWholeTicks(t *testing.T, name string, p *plot.Plot) {
	t.Helper()
	ticks := p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max)
	if len(ticks) < 2 {
		t.Errorf("%s: %d marks", name, len(ticks))
	}
	for _, tk := range ticks {
		if tk.Value != math.Trunc(tk.Value) || tk.Label != strconv.Itoa(int(tk.Value)) {
			t.Errorf("%s: mark %v labelled %q", name, tk.Value, tk.Label)
		}
	}
}
