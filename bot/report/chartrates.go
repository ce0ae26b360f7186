package report

import (
	"fmt"

	"gonum.org/v1/plot/vg"

	"tapline/models"
)

// rateSeries is the rates in percent, labelled with digits decimals and
// unit ("%", or "" where bars are too narrow for it); a rate with nothing
// to measure is a bar of 0 labelled "—".
func rateSeries(name string, rates []Rate, digits int, unit string) series {
	sr := series{name: name, values: make([]float64, len(rates)), labels: make([]string, len(rates))}
	for i, r := range rates {
		sr.labels[i] = noData
		if r.Den > 0 {
			sr.values[i] = 100 * r.Value()
			sr.labels[i] = fmt.Sprintf("%.*f", digits, sr.values[i]) + unit
		}
	}
	return sr
}

// deptLabels name each department with its cases under it: "营业部\n35 件",
// "公司办公室\n无投诉".
func deptLabels(fs *fontSet, scores []DeptScore) []string {
	out := make([]string, len(scores))
	for i, sc := range scores {
		switch {
		case sc.Cases == 0:
			out[i] = fs.tr(sc.Name+"\n无投诉", sc.Department+"\nno cases")
		default:
			out[i] = fs.tr(fmt.Sprintf("%s\n%d 件", sc.Name, sc.Cases), fmt.Sprintf("%s\n%d cases", sc.Department, sc.Cases))
		}
	}
	return out
}

// rates picks one rate of every department.
func rates(scores []DeptScore, f func(DeptScore) Rate) []Rate {
	out := make([]Rate, len(scores))
	for i, sc := range scores {
		out[i] = f(sc)
	}
	return out
}

// rateChart draws the on-time rate per department (ontime), or the
// scorecard's rates side by side (scorecard), in percent on a 0–100 %
// axis; a department with nothing to measure shows "—".
func (s *Service) rateChart(fs *fontSet, n string, d *chartData) ([]*panel, error) {
	pn := &panel{xLabels: deptLabels(fs, d.scores), percent: true}
	if n == ChartOnTime {
		pn.p = newPlot(fs, fs.tr(d.month.Title()+" 各部门按时率（各阶段）\n「—」：该部门本月没有到期的阶段",
			"On-time rate by department, "+d.month.String()+"\n— : nothing due"), "")
		pn.series = []series{rateSeries("", rates(d.scores, func(sc DeptScore) Rate { return sc.OnTime }), 1, "%")}
		return []*panel{pn}, bars(fs, pn)
	}
	b := basisOf(d.totals)
	pn.p = newPlot(fs, fs.tr(fmt.Sprintf("%s 部门考核\n回访满意率基于接通的 %d 次回访；「—」：没有可计算的数据", d.month.Title(), b.Reached),
		fmt.Sprintf("Department scorecard, %s\nsatisfaction of %d call-backs reached; — : nothing to measure", d.month, b.Reached)), "")
	pn.series = []series{
		rateSeries(fs.tr("按时接单率", "accept on time"), rates(d.scores, func(sc DeptScore) Rate { return sc.AcceptOnTime }), 0, ""),
		rateSeries(fs.tr("当天反馈率", "same-day feedback"), rates(d.scores, func(sc DeptScore) Rate { return sc.FeedbackSameDay }), 0, ""),
		rateSeries(fs.tr("按时办结率", "resolved on time"), rates(d.scores, func(sc DeptScore) Rate { return sc.ResolveOnTime }), 0, ""),
		rateSeries(fs.tr("回访满意率", "satisfied"), rates(d.scores, func(sc DeptScore) Rate { return sc.Satisfaction }), 0, ""),
	}
	return []*panel{pn}, bars(fs, pn)
}

// satisfactionChart draws the call-back outcomes and the residents'
// ratings side by side (policy 3.1), each titled with what it is based on.
func (s *Service) satisfactionChart(fs *fontSet, d *chartData) ([]*panel, error) {
	b := basisOf(d.totals)
	outcomes := []string{models.OutcomeSatisfied, models.OutcomeBasic, models.OutcomeUnsatisfied, models.OutcomeUnreachable}
	en := map[string]string{models.OutcomeSatisfied: "satisfied", models.OutcomeBasic: "basically",
		models.OutcomeUnsatisfied: "unsatisfied", models.OutcomeUnreachable: "unreachable"}
	left := &panel{p: newPlot(fs, fs.tr(d.month.Title()+" 回访结果\n"+b.CallBackText(),
		"Call-back outcomes, "+d.month.String()+"\n"+b.englishCallBacks()), fs.tr("件数", "cases"))}
	for _, o := range outcomes {
		left.xLabels = append(left.xLabels, fs.tr(outcomeNames[o], en[o]))
	}
	left.series = []series{countSeries("", outcomes, d.totals.CallBacks, palette[0])}
	if err := bars(fs, left); err != nil {
		return nil, err
	}
	left.p.Title.TextStyle.Font.Size = vg.Points(14) // half a chart wide
	right := &panel{p: newPlot(fs, fs.tr("居民评分分布\n"+b.RatingText(), "Resident ratings\n"+b.englishRatings()),
		fs.tr("件数", "ratings"))}
	var keys []string
	for i := range 5 {
		key := fmt.Sprint(i + 1)
		keys, right.xLabels = append(keys, key), append(right.xLabels, fs.tr(key+" 分", key))
	}
	right.series = []series{countSeries("", keys, d.totals.Ratings, palette[0])}
	right.p.Title.TextStyle.Font.Size = vg.Points(14)
	return []*panel{left, right}, bars(fs, right)
}
