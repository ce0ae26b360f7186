package casework

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"tapline/bot"
	"tapline/bot/remind"
	"tapline/models"
)

// details shows a case (查 编号) to those the department rule lets see it
// (CanSee: the console's and the API's rule too). Contact data is shown in
// full only to the case's department and approver in 1:1 chat; groups and
// others see it masked.
func (s *Service) details(ctx context.Context, a Actor, cmd Command, group bool) (bot.Reply, error) {
	if cmd.Number == "" {
		return text("请带上编号：查 TS20261127-0001"), nil
	}
	c, refusal, err := s.resolve(ctx, a, cmd)
	if c == nil {
		return text(refusal), err
	}
	if err := CanSee(s.policy, a.Role, a.Dept, c); err != nil {
		return text(models.ErrorMessage(err)), nil
	}
	st, err := s.load(ctx, c)
	if err != nil {
		return text(txtUnavailable), err
	}
	rel := relations(s.policy, a, c)
	full := !group && (slices.Contains(rel, WhoDeptStaff) || slices.Contains(rel, WhoApprover))
	evs, err := s.cases.CaseEvents(ctx, c.ID)
	if err != nil {
		return text(txtUnavailable), fmt.Errorf("casework: details: %w", err)
	}
	return text(s.describe(a, st, evs, full)), nil
}

// describe renders a case for staff.
func (s *Service) describe(a Actor, st *state, evs []*models.CaseEvent, full bool) string {
	c := st.c
	name, phone := models.MaskName(c.Name), models.MaskPhone(c.Phone)
	if full {
		name, phone = c.Name, c.Phone
	}
	var b strings.Builder
	fmt.Fprintf(&b, "投诉 %s「%s」\n部门：%s", c.Number, StatusName(c.Status), s.deptName(c.Department))
	if c.Major {
		fmt.Fprintf(&b, "（重大投诉：%s）", remind.CriterionName(c.MajorReason))
	}
	fmt.Fprintf(&b, "\n居民：%s %s\n地址：%s\n内容：%s", name, phone, c.Address, c.Details)
	if c.Expectation != "" {
		fmt.Fprintf(&b, "\n期望：%s", c.Expectation)
	}
	if st.w.Assignee != "" {
		fmt.Fprintf(&b, "\n承办：%s", s.staffName(st.w.Assignee))
	}
	if st.m != nil {
		fmt.Fprintf(&b, "\n当前%s（第 %d 版，第 %d 轮协商）：%s", measureKindName(st.m.Kind), st.m.Version, st.w.Round, st.m.Text)
	}
	if st.w.PendingQuestion != "" {
		fmt.Fprintf(&b, "\n待居民回答：%s", st.w.PendingQuestion)
	}
	b.WriteString("\n最近记录：")
	for _, ev := range evs[max(len(evs)-5, 0):] {
		fmt.Fprintf(&b, "\n· %s %s %s", ev.CreatedAt.In(models.CST).Format("01-02 15:04"), s.actorName(ev), eventSummary(ev))
	}
	b.WriteString(s.possibleText(a, c))
	return b.String()
}

// actorName names who wrote an event.
func (s *Service) actorName(ev *models.CaseEvent) string {
	if ev.Role == roleResident {
		return "居民"
	}
	return s.staffName(ev.Actor)
}

// eventSummary is one line of the timeline.
func eventSummary(ev *models.CaseEvent) string {
	if ev.Type == EventPhoto {
		return "附照片"
	}
	return EventName(ev.Type) + "：" + models.Ellipsis(ev.Text, 40)
}

func measureKindName(kind string) string {
	if kind == models.MeasureKindUnfounded {
		return "不属实说明"
	}
	return "措施"
}
