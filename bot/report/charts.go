package report

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"tapline/models"
)

// Chart names (GET /api/v1/reports/charts/:name, the 统计 command).
const (
	ChartCategory     = "category"     // cases by category
	ChartDepartment   = "department"   // cases by department
	ChartTrend        = "trend"        // cases per month over the last 12 months
	ChartOnTime       = "ontime"       // on-time rate per department (policy 6.1)
	ChartSatisfaction = "satisfaction" // call-back outcomes and ratings (policy 3.1)
	ChartSource       = "source"       // cases by channel (policy 3.1, 3.2)
	ChartScorecard    = "scorecard"    // the department scorecard (policy 6)
)

// ChartNames lists every chart, in the order they are sent.
var ChartNames = []string{ChartCategory, ChartDepartment, ChartTrend, ChartOnTime, ChartSatisfaction,
	ChartSource, ChartScorecard}

// trendMonths is how many months the trend shows.
const trendMonths = 12

// chartData is what the charts of one month are drawn from, read once.
type chartData struct {
	month  Month
	now    time.Time
	totals *models.ReportTotals
	prev   *models.ReportTotals // the month before, for the count charts
	scores []DeptScore
	trend  []int
}

// Chart draws one chart of the month as a PNG image. Returns EINVALID for
// an unknown chart or a month after the current one.
func (s *Service) Chart(ctx context.Context, name string, month Month) ([]byte, error) {
	if !slices.Contains(ChartNames, name) {
		return nil, models.Errorf(models.EINVALID, "没有名为「%s」的统计图；可选：%s。", name, strings.Join(ChartNames, "、"))
	}
	charts, err := s.charts(ctx, month, []string{name}, nil)
	if err != nil {
		return nil, err
	}
	return charts[name], nil
}

// Charts draws every chart of the month (ChartNames), keyed by name.
func (s *Service) Charts(ctx context.Context, month Month) (map[string][]byte, error) {
	return s.charts(ctx, month, ChartNames, nil)
}

// charts reads what the named charts need and draws them; totals, when
// not nil, are the month's totals read already.
func (s *Service) charts(ctx context.Context, month Month, names []string, totals *models.ReportTotals) (map[string][]byte, error) {
	d := &chartData{month: month, now: s.clock.Now(), totals: totals}
	if month.Start().After(d.now) {
		return nil, models.Errorf(models.EINVALID, "%s 还没有到，不能统计。", month)
	}
	if err := s.loadChartData(ctx, d, names); err != nil {
		return nil, err
	}
	fs := s.chartFonts()
	out := make(map[string][]byte, len(names))
	for _, n := range names {
		var buf bytes.Buffer
		if err := s.drawChart(&buf, fs, n, d); err != nil {
			return nil, fmt.Errorf("chart %s: %w", n, err)
		}
		out[n] = buf.Bytes()
	}
	return out, nil
}

// loadChartData reads only what the named charts need.
func (s *Service) loadChartData(ctx context.Context, d *chartData, names []string) error {
	needs := func(ns ...string) bool {
		return slices.ContainsFunc(names, func(n string) bool { return slices.Contains(ns, n) })
	}
	var err error
	if d.totals == nil && needs(ChartCategory, ChartDepartment, ChartSatisfaction, ChartSource, ChartOnTime, ChartScorecard) {
		if d.totals, err = s.monthTotals(ctx, d.month, d.now); err != nil {
			return fmt.Errorf("chart totals: %w", err)
		}
	}
	if needs(ChartCategory, ChartDepartment, ChartSource) {
		if d.prev, err = s.monthTotals(ctx, d.month.Add(-1), d.now); err != nil {
			return fmt.Errorf("chart totals of %s: %w", d.month.Add(-1), err)
		}
	}
	if d.totals != nil {
		d.scores = s.scorecard(d.totals.Departments)
	}
	if needs(ChartTrend) {
		bounds := make([]time.Time, trendMonths+1)
		for i := range bounds {
			bounds[i] = d.month.Add(i - trendMonths + 1).Start()
		}
		if d.trend, err = s.data.CaseCounts(ctx, bounds); err != nil {
			return fmt.Errorf("chart trend: %w", err)
		}
	}
	return nil
}

// countOf finds key's count in rows.
func countOf(rows []models.ReportCount, key string) int {
	for _, r := range rows {
		if r.Key == key {
			return r.Count
		}
	}
	return 0
}
