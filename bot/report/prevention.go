package report

import (
	"context"
	"fmt"
	"time"

	"tapline/models"
)

// SheetPrevention is the sheet of prevention measures (policy 4.4.2).
const SheetPrevention = "预防措施"

// Preventions reads the prevention items and counts their recurrences
// (the store's models.PreventionService has both).
type Preventions interface {
	ListPreventions(ctx context.Context, statuses ...string) ([]*models.Prevention, error)
	CountRecurrence(ctx context.Context, r models.Recurrence, since, until time.Time) (int, error)
}

// WithPreventions adds the 预防措施 sheet to the ledger, read from p.
func WithPreventions(p Preventions) Option { return func(s *Service) { s.prevent = p } }

// preventionHeader are the columns of the 预防措施 sheet.
var preventionHeader = []string{"编号", "发现时间", "重复投诉", "发现时件数", "负责人（分管领导）", "状态", "预防措施",
	"批准人", "批准时间", "上月同类投诉", "本月同类投诉", "本月比上月", "效果检查"}

// preventionStatus names an item's status.
var preventionStatus = map[string]string{models.PreventionOpen: "待制定措施", models.PreventionDrafted: "待总经理审批",
	models.PreventionAnnounced: "已通报，观察效果", models.PreventionChecked: "已检查效果"}

// writePreventions writes the 预防措施 sheet: every item found by the end of
// the month and not checked before it began, with its recurrence counted
// in the month and the month before, so each month's ledger shows whether
// recurrence fell (policy 4.4.2).
func (s *Service) writePreventions(ctx context.Context, b *book, month Month) error {
	sh := b.sheets[SheetPrevention]
	if err := sh.title(fmt.Sprintf("%s 重复投诉预防措施", month.Title())); err != nil {
		return err
	}
	if s.prevent == nil {
		return sh.row([]any{"本台账未接入预防措施记录。"})
	}
	items, err := s.prevent.ListPreventions(ctx, models.PreventionOpen, models.PreventionDrafted,
		models.PreventionAnnounced, models.PreventionChecked)
	if err != nil {
		return fmt.Errorf("ledger preventions: %w", err)
	}
	if err := sh.header(preventionHeader); err != nil {
		return err
	}
	n := 0
	for _, p := range items {
		if !p.CreatedAt.Before(month.End()) || (p.Status == models.PreventionChecked && p.UpdatedAt.Before(month.Start())) {
			continue
		}
		row, err := s.preventionRow(ctx, p, month)
		if err != nil {
			return err
		}
		if err := sh.row(row); err != nil {
			return err
		}
		n++
	}
	if n == 0 {
		return sh.row([]any{fmt.Sprintf("%s 没有重复投诉预防事项。", month.Title())})
	}
	return nil
}

// preventionRow is one item's row.
func (s *Service) preventionRow(ctx context.Context, p *models.Prevention, month Month) ([]any, error) {
	r := models.Recurrence{Kind: p.Kind, Category: p.Category, AreaKey: p.AreaKey, Department: p.Department}
	before, err := s.prevent.CountRecurrence(ctx, r, month.Add(-1).Start(), month.Start())
	if err != nil {
		return nil, fmt.Errorf("ledger preventions: %w", err)
	}
	now, err := s.prevent.CountRecurrence(ctx, r, month.Start(), month.End())
	if err != nil {
		return nil, fmt.Errorf("ledger preventions: %w", err)
	}
	trend := "持平"
	switch {
	case now < before:
		trend = "下降"
	case now > before:
		trend = "上升"
	}
	place := p.AreaKey
	if p.Kind != "area" {
		place = s.deptName(p.Department)
	}
	measure, approver, at, effect := dash(p.Measure), "—", "—", dash(p.Effect)
	if p.ApprovedAt != nil {
		approver, at = s.staffName(p.ApprovedBy), formatTime(*p.ApprovedAt)
	}
	return []any{fmt.Sprintf("P%d", p.ID), formatTime(p.CreatedAt), place + " " + s.categoryName(p.Category), p.Cases,
		s.staffName(p.Owner), name(preventionStatus, p.Status), measure, approver, at, before, now, trend, effect}, nil
}

// dash is text, or a dash when empty.
func dash(text string) string {
	if text == "" {
		return "—"
	}
	return text
}
