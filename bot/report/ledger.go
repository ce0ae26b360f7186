package report

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"tapline/models"
)

// Sheet names of the ledger workbook, in order.
const (
	SheetLedger    = "投诉台账"
	SheetSummary   = "汇总"
	SheetScorecard = "部门考核"
	SheetMajor     = "重大投诉"
)

// LedgerOptions tune a ledger.
type LedgerOptions struct {
	// Contacts shows residents' names, phones and full addresses. The caller
	// decides by the viewer's role; otherwise names and phones are masked
	// and the address is reduced to the estate or street.
	Contacts bool
	// Shown, with Contacts, is called with each batch of cases before their
	// contacts are written (to record the reads); its error stops the
	// ledger.
	Shown func(ctx context.Context, cases []*models.Case) error
}

// ledgerHeader are the columns of the 投诉台账 sheet (policy 4.4.1).
var ledgerHeader = []string{"序号", "投诉编号", "受理时间", "来源渠道", "投诉类别", "责任部门", "重大投诉", "重大依据",
	"居民姓名", "联系电话", "地址", "投诉内容摘要", "当前状态", "经办人", "处理措施（现行版本）", "措施版本",
	"审批人", "审批时间", "审批结果", "居民意见", "协商轮次", "办结时间",
	"接单时限", "措施时限", "审批时限", "落实时限", "当天反馈", "回访时限",
	"回访结果", "回访次数", "满意度评分", "重开次数", "超时警告", "责任人"}

// summaryRunes bounds the content summary.
const summaryRunes = 60

// Ledger writes the month's ledger workbook to w: the 投诉台账 sheet with one
// row per case created in the month (CST), the 汇总 summary, the 部门考核
// scorecard, the GM's 重大投诉 list and the 预防措施 (policy 4.4.1, 6, 6.3,
// 4.4.2; the last with WithPreventions). A month with
// no cases gives a workbook that says so. Returns EINVALID for a month
// after the current one.
func (s *Service) Ledger(ctx context.Context, month Month, w io.Writer, opt LedgerOptions) error {
	return s.ledger(ctx, month, w, opt, nil)
}

// LedgerAndCharts writes the month's ledger to w, as Ledger, and draws
// every chart (ChartNames) from the same reading of the month, while the
// workbook is being zipped: the monthly delivery to the leaders (policy
// 4.4.1, 3.1).
func (s *Service) LedgerAndCharts(ctx context.Context, month Month, w io.Writer, opt LedgerOptions) (map[string][]byte, error) {
	var charts map[string][]byte
	err := s.ledger(ctx, month, w, opt, func(totals *models.ReportTotals) (err error) {
		charts, err = s.charts(ctx, month, ChartNames, totals)
		return err
	})
	if err != nil {
		return nil, err
	}
	return charts, nil
}

// ledger builds the workbook and writes it to w; alongside, when not nil,
// runs with the month's totals while the workbook is written.
func (s *Service) ledger(ctx context.Context, month Month, w io.Writer, opt LedgerOptions,
	alongside func(*models.ReportTotals) error) error {
	now := s.clock.Now()
	if month.Start().After(now) {
		return models.Errorf(models.EINVALID, "%s 还没有到，不能生成台账。", month)
	}
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	f.SetZipWriter(fastZip)
	totals, err := s.buildBook(ctx, f, month, now, opt)
	if err != nil {
		return err
	}
	done := make(chan error, 1)
	if alongside != nil {
		go func() { done <- alongside(totals) }()
	} else {
		done <- nil
	}
	werr := f.Write(w)
	if err := <-done; err != nil {
		return err
	}
	if werr != nil {
		return fmt.Errorf("ledger: write workbook: %w", werr)
	}
	return nil
}

// buildBook writes the sheets of f and returns the month's totals,
// counted from the cases as they are written (tally) plus the month's
// warnings.
func (s *Service) buildBook(ctx context.Context, f *excelize.File, month Month, now time.Time, opt LedgerOptions) (*models.ReportTotals, error) {
	b, err := newBook(f)
	if err != nil {
		return nil, err
	}
	t := newTally()
	if err := s.writeCases(ctx, b, month, now, opt, t); err != nil {
		return nil, err
	}
	warnings, err := s.data.WarningCounts(ctx, month.Start(), month.End())
	if err != nil {
		return nil, fmt.Errorf("ledger warnings: %w", err)
	}
	totals := t.totals(warnings)
	if err := s.writeSummary(b, month, totals, now); err != nil {
		return nil, err
	}
	if err := s.writeScorecard(b, month, s.scorecard(totals.Departments)); err != nil {
		return nil, err
	}
	if err := s.writePreventions(ctx, b, month); err != nil {
		return nil, err
	}
	if err := b.flush(); err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	return totals, nil
}

// ledgerRow is one case's row of the 投诉台账 sheet.
func (s *Service) ledgerRow(n int, lc *models.LedgerCase, opt LedgerOptions) []any {
	c := &lc.Case
	person, phone, addr := models.MaskName(c.Name), models.MaskPhone(c.Phone), c.AreaKey
	if opt.Contacts {
		person, phone, addr = c.Name, c.Phone, c.Address
	}
	row := []any{n, c.Number, formatTime(c.CreatedAt), name(sourceNames, c.Source), s.categoryName(c.Category),
		s.deptName(c.Department), yesNo(c.Major), majorWhy(c), person, phone, addr, summary(c.Details),
		models.StaffStatusName(c.Status), s.staffName(lc.Work.Assignee)}
	row = append(row, s.measureCells(lc)...)
	row = append(row, acceptance(lc), lc.Work.Round, timeOrDash(lc.ResolvedAt))
	for _, st := range ledgerStages {
		row = append(row, name(timingNames, lc.Stages[st]))
	}
	outcome, attempts := callBackCells(lc)
	return append(row, outcome, attempts, ratingCell(lc.Rating), lc.Reopens, lc.Warnings, s.people(lc.Responsible))
}

// measureCells are the measure and approval columns.
func (s *Service) measureCells(lc *models.LedgerCase) []any {
	text, version := "—", any("—")
	if m := lc.Measure; m != nil {
		text, version = m.Text, m.Version
		if m.Kind == models.MeasureKindUnfounded {
			text = "（不属实说明）" + m.Text
		}
	}
	approver, at, decision := "—", "—", "—"
	if a := lc.Approval; a != nil {
		approver, at = s.staffName(a.Approver), formatTime(a.CreatedAt)
		decision = map[string]string{models.DecisionApprove: "批准", models.DecisionReject: "驳回"}[a.Decision]
	}
	return []any{text, version, approver, at, decision}
}

// acceptance is the resident's answer to the measures (policy 4.3.2).
func acceptance(lc *models.LedgerCase) string {
	switch lc.Acceptance {
	case "resident_accept":
		return "接受"
	case "resident_reject":
		return "不接受"
	}
	return "—"
}

// callBackCells are the newest call-back outcome and the attempts.
func callBackCells(lc *models.LedgerCase) (string, int) {
	if len(lc.CallBacks) == 0 {
		return "—", 0
	}
	return name(outcomeNames, lc.CallBacks[len(lc.CallBacks)-1].Outcome), len(lc.CallBacks)
}

// ratingCell is the resident's score, or a dash.
func ratingCell(r *models.Rating) any {
	if r == nil {
		return "—"
	}
	return r.Score
}

// people names roster IDs, joined.
func (s *Service) people(ids []string) string {
	if len(ids) == 0 {
		return "—"
	}
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = s.staffName(id)
	}
	return strings.Join(names, "、")
}

// majorWhy names the 4.1.3 criterion of a major case (and urgency).
func majorWhy(c *models.Case) string {
	if !c.Major {
		return "—"
	}
	why := stageCriterion(c.MajorReason)
	if c.Urgent {
		why += "（紧急，须报住建）"
	}
	return why
}

// summary shortens a complaint text to one line.
func summary(text string) string {
	t := strings.Join(strings.Fields(text), " ")
	if r := []rune(t); len(r) > summaryRunes {
		return string(r[:summaryRunes]) + "…"
	}
	return t
}

// yesNo renders a flag.
func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}
