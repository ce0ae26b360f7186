package report

import (
	"fmt"

	"gonum.org/v1/plot"
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

// countChart draws cases by category, department or source: every key of
// the policy, zeros included.
func (s *Service) countChart(fs *fontSet, n string, d *chartData) ([]*plot.Plot, error) {
	var keys, labels []string
	var rows []models.ReportCount
	var title, en string
	switch n {
	case ChartCategory:
		for _, c := range s.pol.Categories {
			keys, labels = append(keys, c.Key), append(labels, fs.tr(c.Name, c.Key))
		}
		rows, title, en = d.totals.ByCategory, "投诉类别分布", "Cases by category"
	case ChartDepartment:
		for _, dep := range s.departments() {
			keys, labels = append(keys, dep.Key), append(labels, fs.tr(dep.Name, dep.Key))
		}
		rows, title, en = d.totals.ByDepartment, "各部门投诉量", "Cases by department"
	default:
		for _, k := range sourceOrder {
			keys, labels = append(keys, k), append(labels, fs.tr(sourceNames[k], englishSources[k]))
		}
		rows, title, en = d.totals.BySource, "投诉来源渠道", "Cases by source"
	}
	keys, labels = withUnknown(keys, labels, rows)
	values := make([]float64, len(keys))
	for i, k := range keys {
		values[i] = float64(countOf(rows, k))
	}
	p := newPlot(fs, fs.tr(fmt.Sprintf("%s %s（共 %d 件）", d.month.Title(), title, d.totals.Cases),
		fmt.Sprintf("%s, %s (%d)", en, d.month, d.totals.Cases)), fs.tr("件数", "cases"))
	return []*plot.Plot{p}, bars(fs, p, labels, []series{{values: values}}, false)
}

// withUnknown appends the keys found in rows but not in the policy (a
// department renamed since), so that no case goes uncounted.
func withUnknown(keys, labels []string, rows []models.ReportCount) ([]string, []string) {
	known := map[string]bool{}
	for _, k := range keys {
		known[k] = true
	}
	for _, r := range rows {
		if !known[r.Key] {
			keys, labels = append(keys, r.Key), append(labels, r.Key)
		}
	}
	return keys, labels
}

// trendChart draws the cases per month over the last twelve months.
func (s *Service) trendChart(fs *fontSet, d *chartData) ([]*plot.Plot, error) {
	p := newPlot(fs, fs.tr("近12个月投诉趋势（截至"+d.month.Title()+"）", "Cases per month, 12 months to "+d.month.String()),
		fs.tr("件数", "cases"))
	xys := make(plotter.XYs, len(d.trend))
	labels := make([]string, len(d.trend))
	top := 1.0
	for i, n := range d.trend {
		xys[i] = plotter.XY{X: float64(i), Y: float64(n)}
		labels[i] = d.month.Add(i - len(d.trend) + 1).String()
		top = max(top, float64(n))
	}
	line, points, err := plotter.NewLinePoints(xys)
	if err != nil {
		return nil, fmt.Errorf("trend line: %w", err)
	}
	line.Color, line.Width, points.Color = palette[0], vg.Points(2), palette[0]
	p.Add(line, points)
	if err := valueLabels(fs, p, xyValues(xys), false); err != nil {
		return nil, err
	}
	p.NominalX(labels...)
	p.Y.Max = top * 1.15
	return []*plot.Plot{p}, nil
}

// xyValues are the Y values of xys.
func xyValues(xys plotter.XYs) []float64 {
	out := make([]float64, len(xys))
	for i, xy := range xys {
		out[i] = xy.Y
	}
	return out
}

// rateChart draws the on-time rate per department (ontime), or the
// scorecard's rates side by side (scorecard), in percent.
func (s *Service) rateChart(fs *fontSet, n string, d *chartData) ([]*plot.Plot, error) {
	labels := make([]string, len(d.scores))
	for i, sc := range d.scores {
		labels[i] = fs.tr(sc.Name, sc.Department)
	}
	pick := func(f func(DeptScore) Rate) []float64 {
		out := make([]float64, len(d.scores))
		for i, sc := range d.scores {
			out[i] = 100 * f(sc).Value()
		}
		return out
	}
	if n == ChartOnTime {
		p := newPlot(fs, fs.tr(d.month.Title()+" 各部门按时率（各阶段）", "On-time rate by department, "+d.month.String()), "%")
		rates := pick(func(sc DeptScore) Rate { return sc.OnTime })
		return []*plot.Plot{p}, bars(fs, p, labels, []series{{values: rates}}, true)
	}
	p := newPlot(fs, fs.tr(d.month.Title()+" 部门考核", "Department scorecard, "+d.month.String()), "%")
	ss := []series{
		{fs.tr("按时接单率", "accept on time"), pick(func(sc DeptScore) Rate { return sc.AcceptOnTime })},
		{fs.tr("当天反馈率", "same-day feedback"), pick(func(sc DeptScore) Rate { return sc.FeedbackSameDay })},
		{fs.tr("按时办结率", "resolved on time"), pick(func(sc DeptScore) Rate { return sc.ResolveOnTime })},
		{fs.tr("回访满意率", "satisfied"), pick(func(sc DeptScore) Rate { return sc.Satisfaction })},
	}
	return []*plot.Plot{p}, bars(fs, p, labels, ss, true)
}

// satisfactionChart draws the call-back outcomes and the residents'
// ratings side by side (policy 3.1).
func (s *Service) satisfactionChart(fs *fontSet, d *chartData) ([]*plot.Plot, error) {
	outcomes := []string{models.OutcomeSatisfied, models.OutcomeBasic, models.OutcomeUnsatisfied, models.OutcomeUnreachable}
	en := map[string]string{models.OutcomeSatisfied: "satisfied", models.OutcomeBasic: "basically",
		models.OutcomeUnsatisfied: "unsatisfied", models.OutcomeUnreachable: "unreachable"}
	labels, values := make([]string, len(outcomes)), make([]float64, len(outcomes))
	for i, o := range outcomes {
		labels[i], values[i] = fs.tr(outcomeNames[o], en[o]), float64(countOf(d.totals.CallBacks, o))
	}
	left := newPlot(fs, fs.tr(d.month.Title()+" 回访结果", "Call-back outcomes, "+d.month.String()), fs.tr("件数", "cases"))
	if err := bars(fs, left, labels, []series{{values: values}}, false); err != nil {
		return nil, err
	}
	labels, values = make([]string, 5), make([]float64, 5)
	for i := range labels {
		key := fmt.Sprint(i + 1)
		labels[i], values[i] = fs.tr(key+" 分", key), float64(countOf(d.totals.Ratings, key))
	}
	right := newPlot(fs, fs.tr("居民评分分布", "Resident ratings"), fs.tr("件数", "ratings"))
	return []*plot.Plot{left, right}, bars(fs, right, labels, []series{{values: values}}, false)
}
