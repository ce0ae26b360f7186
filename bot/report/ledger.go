package report

import (
	"context"
	"fmt"
	"io"
	"strings"

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
// scorecard and the GM's 重大投诉 list (policy 4.4.1, 6, 6.3). A month with
// no cases gives a workbook that says so. Returns EINVALID for a month
// after the current one.
func (s *Service) Ledger(ctx context.Context, month Month, w io.Writer, opt LedgerOptions) error {
	now := s.clock.Now()
	if month.Start().After(now) {
		return models.Errorf(models.EINVALID, "%s 还没有到，不能生成台账。", month)
	}
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	b, err := newBook(f)
	if err != nil {
		return err
	}
	totals, err := s.data.ReportTotals(ctx, month.Start(), month.End(), now)
	if err != nil {
		return fmt.Errorf("ledger totals: %w", err)
	}
	scores := s.scorecard(totals.Departments)
	if err := s.writeCases(ctx, b, month, opt); err != nil {
		return err
	}
	if err := s.writeSummary(b, month, totals, now); err != nil {
		return err
	}
	if err := s.writeScorecard(b, month, scores); err != nil {
		return err
	}
	if err := b.flush(); err != nil {
		return fmt.Errorf("ledger: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("ledger: write workbook: %w", err)
	}
	return nil
}

// writeCases streams the month's cases into the ledger and major sheets.
func (s *Service) writeCases(ctx context.Context, b *book, month Month, opt LedgerOptions) error {
	cases, major := b.sheets[SheetLedger], b.sheets[SheetMajor]
	if err := cases.title(fmt.Sprintf("%s 投诉台账（policy 4.4.1）", month.Title())); err != nil {
		return err
	}
	if err := cases.header(ledgerHeader); err != nil {
		return err
	}
	if err := major.title(fmt.Sprintf("%s 重大投诉清单及处理情况（policy 4.1.3、6.3：总经理内部考核）", month.Title())); err != nil {
		return err
	}
	if err := major.header(majorHeader); err != nil {
		return err
	}
	n, nMajor := 0, 0
	err := s.data.LedgerCases(ctx, month.Start(), month.End(), s.clock.Now(), s.batch, func(batch []*models.LedgerCase) error {
		for _, lc := range batch {
			n++
			if err := cases.row(s.ledgerRow(n, lc, opt)); err != nil {
				return err
			}
			if lc.Case.Major {
				nMajor++
				if err := major.row(s.majorRow(nMajor, lc)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("ledger cases: %w", err)
	}
	if n == 0 {
		return cases.row([]any{fmt.Sprintf("%s 没有投诉记录。", month.Title())})
	}
	if nMajor == 0 {
		return major.row([]any{fmt.Sprintf("%s 没有重大投诉。", month.Title())})
	}
	return nil
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
		name(statusNames, c.Status), s.staffName(lc.Work.Assignee)}
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
