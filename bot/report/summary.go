package report

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"tapline/models"
)

// Summary labels the tests and readers look for.
const (
	LabelTotal     = "投诉总数"
	LabelMajor     = "重大投诉"
	LabelUrgent    = "紧急重大投诉"
	LabelReopened  = "回访不满意重开"
	LabelOnTime    = "各阶段按时率"
	LabelSatisfied = "回访满意率"
	LabelRating    = "居民平均评分"
	LabelNoCases   = "没有投诉记录"
)

// writeSummary writes the 汇总 sheet: totals by category, department,
// source and criterion, on-time rates and satisfaction (policy 3.1, 4.4.1).
func (s *Service) writeSummary(b *book, month Month, t *models.ReportTotals, now time.Time) error {
	sh := b.sheets[SheetSummary]
	if err := sh.title(fmt.Sprintf("%s 投诉统计汇总", month.Title())); err != nil {
		return err
	}
	if err := sh.row([]any{"生成时间", formatTime(now)}); err != nil {
		return err
	}
	if t.Cases == 0 {
		return sh.row([]any{fmt.Sprintf("%s（%s）%s。", month.Title(), month, LabelNoCases)})
	}
	rows := [][]any{{LabelTotal, t.Cases}, {LabelMajor, t.Major}, {LabelUrgent, t.Urgent}, {LabelReopened, t.Reopened}}
	for _, r := range rows {
		if err := sh.row(r); err != nil {
			return err
		}
	}
	groups := []struct {
		title string
		rows  []models.ReportCount
		name  func(string) string
	}{
		{"按投诉类别", t.ByCategory, s.categoryName}, {"按责任部门", t.ByDepartment, s.deptName},
		{"按来源渠道", t.BySource, func(k string) string { return name(sourceNames, k) }},
		{"重大投诉按依据", t.ByCriterion, stageCriterion},
		{"按当前状态", t.ByStatus, models.StaffStatusName},
	}
	for _, g := range groups {
		if err := s.countTable(sh, g.title, g.rows, g.name, t.Cases); err != nil {
			return err
		}
	}
	if err := s.stageTable(sh, t.Stages); err != nil {
		return err
	}
	return s.satisfactionTable(sh, t)
}

// countTable writes one "by X" table with counts and shares.
func (s *Service) countTable(sh *sheet, title string, rows []models.ReportCount, label func(string) string, total int) error {
	sh.blank()
	if err := sh.header([]string{title, "件数", "占比"}); err != nil {
		return err
	}
	for _, r := range rows {
		if err := sh.row([]any{label(r.Key), r.Count, sh.pct(r.Count, total)}); err != nil {
			return err
		}
	}
	return nil
}

// stageTable writes the verdicts and on-time rate per stage, then overall.
func (s *Service) stageTable(sh *sheet, stages map[string]models.TimingCounts) error {
	sh.blank()
	if err := sh.header([]string{LabelOnTime, "按时", "超时完成", "超时未完成", "进行中", "按时率"}); err != nil {
		return err
	}
	var all models.TimingCounts
	order := append(append([]string{}, ledgerStages...), models.StageMajorAck, models.StageAuthority)
	for _, st := range order {
		t, ok := stages[st]
		if !ok {
			continue
		}
		all.Add(t)
		if err := sh.row([]any{stageName(st), t.OnTime, t.Late, t.Overdue, t.Running, sh.pct(t.OnTime, t.Decided())}); err != nil {
			return err
		}
	}
	return sh.row([]any{"合计", all.OnTime, all.Late, all.Overdue, all.Running, sh.pct(all.OnTime, all.Decided())})
}

// satisfactionTable writes the call-back outcomes and the ratings.
func (s *Service) satisfactionTable(sh *sheet, t *models.ReportTotals) error {
	sh.blank()
	if err := sh.header([]string{"回访结果", "件数"}); err != nil {
		return err
	}
	for _, o := range t.CallBacks {
		if err := sh.row([]any{name(outcomeNames, o.Key), o.Count}); err != nil {
			return err
		}
	}
	if err := sh.row([]any{LabelSatisfied, sh.rate(satisfaction(t.CallBacks))}); err != nil {
		return err
	}
	sh.blank()
	if err := sh.header([]string{"居民评分", "件数"}); err != nil {
		return err
	}
	sum, n := 0, 0
	for _, r := range t.Ratings {
		score, _ := strconv.Atoi(r.Key)
		sum, n = sum+score*r.Count, n+r.Count
		if err := sh.row([]any{r.Key + " 分", r.Count}); err != nil {
			return err
		}
	}
	avg := any("—")
	if n > 0 {
		avg = math.Round(float64(sum)/float64(n)*100) / 100
	}
	return sh.row([]any{LabelRating, avg})
}

// majorHeader are the columns of the 重大投诉 sheet (policy 6.3).
var majorHeader = []string{"序号", "投诉编号", "受理时间", "投诉类别", "责任部门", "重大依据", "领导确认（30分钟）",
	"报告住建", "处理措施", "审批人", "审批时间", "当前状态", "办结时间", "回访结果", "超时警告", "责任人"}

// majorRow is one major case's row: how it was handled (policy 4.1.3, 6.3).
func (s *Service) majorRow(n int, lc *models.LedgerCase) []any {
	c := &lc.Case
	authority := "不适用"
	if c.Urgent {
		authority = name(timingNames, lc.Stages[models.StageAuthority])
	}
	m := s.measureCells(lc)
	outcome, _ := callBackCells(lc)
	return []any{n, c.Number, formatTime(c.CreatedAt), s.categoryName(c.Category), s.deptName(c.Department),
		majorWhy(c), name(timingNames, lc.Stages[models.StageMajorAck]), authority, m[0], m[2], m[3],
		models.StaffStatusName(c.Status), timeOrDash(lc.ResolvedAt), outcome, lc.Warnings, s.people(lc.Responsible)}
}
