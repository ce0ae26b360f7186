package report

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"tapline/models"
)

// sourceOrder lists the channels in the order the charts show them.
var sourceOrder = []string{models.SourceWeChat, models.SourcePhone, models.SourceVisit, models.SourceLetter,
	models.SourceGov, models.SourceMedia}

// englishSources are the channels without a CJK font.
var englishSources = map[string]string{models.SourceWeChat: "WeChat", models.SourcePhone: "Phone",
	models.SourceVisit: "Visit", models.SourceLetter: "Letter", models.SourceGov: "Government", models.SourceMedia: "Media"}

// countKind is what one count chart counts.
type countKind struct {
	keys, labels []string
	rows         func(*models.ReportTotals) []models.ReportCount
	title, en    string
}

// countKindOf lists the keys of chart n: every key of the policy, zeros
// included.
func (s *Service) countKindOf(fs *fontSet, n string) countKind {
	var k countKind
	switch n {
	case ChartCategory:
		for _, c := range s.pol.Categories {
			k.keys, k.labels = append(k.keys, c.Key), append(k.labels, fs.tr(c.Name, c.Key))
		}
		k.rows, k.title, k.en = func(t *models.ReportTotals) []models.ReportCount { return t.ByCategory }, "投诉类别分布", "Cases by category"
	case ChartDepartment:
		for _, dep := range s.departments() {
			k.keys, k.labels = append(k.keys, dep.Key), append(k.labels, fs.tr(dep.Name, dep.Key))
		}
		k.rows, k.title, k.en = func(t *models.ReportTotals) []models.ReportCount { return t.ByDepartment }, "各部门投诉量", "Cases by department"
	default:
		for _, key := range sourceOrder {
			k.keys, k.labels = append(k.keys, key), append(k.labels, fs.tr(sourceNames[key], englishSources[key]))
		}
		k.rows, k.title, k.en = func(t *models.ReportTotals) []models.ReportCount { return t.BySource }, "投诉来源渠道", "Cases by source"
	}
	return k
}

// countChart draws cases by category, department or source, this month
// beside the month before.
func (s *Service) countChart(fs *fontSet, n string, d *chartData) ([]*panel, error) {
	k := s.countKindOf(fs, n)
	prev := d.prev
	if prev == nil {
		prev = &models.ReportTotals{}
	}
	rows, prevRows := k.rows(d.totals), k.rows(prev)
	keys, labels := withUnknown(k.keys, k.labels, rows, prevRows)
	last := d.month.Add(-1)
	title := fs.tr(fmt.Sprintf("%s %s（本月 %d 件，上月 %d 件）", d.month.Title(), k.title, d.totals.Cases, prev.Cases),
		fmt.Sprintf("%s, %s (%d; %s: %d)", k.en, d.month, d.totals.Cases, last, prev.Cases))
	pn := &panel{p: newPlot(fs, title, fs.tr("件数", "cases")), xLabels: labels, series: []series{
		countSeries(fs.tr(last.Title(), last.String()), keys, prevRows, lastMonthColour),
		countSeries(fs.tr(d.month.Title(), d.month.String()), keys, rows, palette[0]),
	}}
	return []*panel{pn}, bars(fs, pn)
}

// countSeries is the count of each key in rows, each bar labelled.
func countSeries(name string, keys []string, rows []models.ReportCount, c color.Color) series {
	sr := series{name: name, values: make([]float64, len(keys)), labels: make([]string, len(keys)), colour: c}
	for i, k := range keys {
		n := countOf(rows, k)
		sr.values[i], sr.labels[i] = float64(n), fmt.Sprint(n)
	}
	return sr
}

// withUnknown appends the keys found in rows but not in the policy (a
// department renamed since), so that no case goes uncounted.
func withUnknown(keys, labels []string, rows ...[]models.ReportCount) ([]string, []string) {
	known := map[string]bool{}
	for _, k := range keys {
		known[k] = true
	}
	for _, rs := range rows {
		for _, r := range rs {
			if !known[r.Key] {
				known[r.Key] = true
				keys, labels = append(keys, r.Key), append(labels, r.Key)
			}
		}
	}
	return keys, labels
}

// trendChart draws the cases per month over the last twelve months.
func (s *Service) trendChart(fs *fontSet, d *chartData) ([]*panel, error) {
	p := newPlot(fs, fs.tr("近12个月投诉趋势（截至"+d.month.Title()+"）", "Cases per month, 12 months to "+d.month.String()),
		fs.tr("件数", "cases"))
	xys := make(plotter.XYs, len(d.trend))
	labels := make([]string, len(d.trend))
	sr := series{values: make([]float64, len(d.trend)), labels: make([]string, len(d.trend))}
	top := 0.0
	for i, n := range d.trend {
		xys[i] = plotter.XY{X: float64(i), Y: float64(n)}
		labels[i] = d.month.Add(i - len(d.trend) + 1).String()
		sr.values[i], sr.labels[i] = float64(n), fmt.Sprint(n)
		top = max(top, float64(n))
	}
	line, points, err := plotter.NewLinePoints(xys)
	if err != nil {
		return nil, fmt.Errorf("trend line: %w", err)
	}
	line.Color, line.Width, points.Color = palette[0], vg.Points(2), palette[0]
	p.Add(line, points)
	if err := valueLabels(fs, p, sr, 0, false, vg.Points(40)); err != nil {
		return nil, err
	}
	p.NominalX(labels...)
	countAxis(p, top)
	return []*panel{{p: p, xLabels: labels, series: []series{sr}}}, nil
}
