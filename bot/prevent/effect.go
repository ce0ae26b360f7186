package prevent

import (
	"context"
	"fmt"
	"strings"

	"tapline/models"
)

// CheckEffects checks the announced items whose window after approval has
// passed: the complaints of the window before the approval against the
// window after it. The finding is recorded on the item and sent to the
// leaders' group (policy 4.4.2: prevent recurrence).
func (s *Service) CheckEffects(ctx context.Context) (int, error) {
	items, err := s.store.ListPreventions(ctx, models.PreventionAnnounced)
	if err != nil {
		return 0, fmt.Errorf("prevent: %w", err)
	}
	now, window := s.clock.Now(), s.policy.Prevention.WindowDuration()
	checked := 0
	var lines []string
	defer func() { s.announceEffects(ctx, lines) }() // one message for the day's checks
	for _, p := range items {
		if p.ApprovedAt == nil || now.Before(p.ApprovedAt.Add(window)) {
			continue
		}
		r := models.Recurrence{Kind: p.Kind, Category: p.Category, AreaKey: p.AreaKey, Department: p.Department}
		before, err := s.store.CountRecurrence(ctx, r, p.ApprovedAt.Add(-window), *p.ApprovedAt)
		if err != nil {
			return checked, fmt.Errorf("prevent: %w", err)
		}
		after, err := s.store.CountRecurrence(ctx, r, *p.ApprovedAt, p.ApprovedAt.Add(window))
		if err != nil {
			return checked, fmt.Errorf("prevent: %w", err)
		}
		p.Effect = effectText(before, after, int(window.Hours()/24))
		p.Status = models.PreventionChecked
		if err := s.store.UpdatePrevention(ctx, p, models.PreventionAnnounced); err != nil {
			if models.ErrorCode(err) == models.ECONFLICT {
				continue // checked by another replica
			}
			return checked, fmt.Errorf("prevent: %w", err)
		}
		checked++
		lines = append(lines, fmt.Sprintf("P%d %s\n%s", p.ID, s.describe(p), p.Effect))
	}
	return checked, nil
}

// announceEffects sends the day's effect checks to the leaders' group.
func (s *Service) announceEffects(ctx context.Context, lines []string) {
	if len(lines) > 0 {
		s.post(ctx, s.book.Leaders(), "📊 预防措施效果："+strings.Join(lines, "\n"))
	}
}

// effectText says whether recurrence fell.
func effectText(before, after, days int) string {
	verdict := "已下降"
	switch {
	case after > before:
		verdict = "反而上升，请分管领导重新研究措施"
	case after == before:
		verdict = "没有下降，请分管领导重新研究措施"
	}
	return fmt.Sprintf("措施前%d天 %d 件，措施后%d天 %d 件，%s。", days, before, days, after, verdict)
}
