package casework

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"tapline/bot"
	"tapline/bot/policy"
	"tapline/bot/remind"
	"tapline/models"
)

// todoLimit bounds the 待办 list.
const todoLimit = 20

// todo lists the open cases of the actor's department, or those waiting for
// a leader's or the GM's approval (PRODUCT B3 待办).
func (s *Service) todo(ctx context.Context, a Actor) (bot.Reply, error) {
	var cs []*models.Case
	for _, st := range models.OpenStatuses {
		f := models.CaseFilter{Status: st, Limit: 100}
		if a.Role == policy.RoleCrew || a.Role == policy.RoleHead {
			f.Department = a.Dept
		} else if st != models.StatusMeasuresProposed {
			continue // leaders and the GM: what waits for their approval
		}
		found, _, err := s.cases.FindCases(ctx, f)
		if err != nil {
			return text(txtUnavailable), fmt.Errorf("casework: todo: %w", err)
		}
		for _, c := range found {
			if f.Department != "" || isApprover(s.policy, a, c) {
				cs = append(cs, c)
			}
		}
	}
	if a.Dept == policy.DeptHotline { // the call-back queue (policy 3.1, PRODUCT E1)
		found, _, err := s.cases.FindCases(ctx, models.CaseFilter{Status: models.StatusClosed, Limit: 100})
		if err != nil {
			return text(txtUnavailable), fmt.Errorf("casework: todo: %w", err)
		}
		cs = append(cs, found...)
	}
	if len(cs) == 0 {
		return text("没有待办的投诉。"), nil
	}
	items, err := s.todoItems(ctx, cs)
	if err != nil {
		return text(txtUnavailable), err
	}
	return text(todoText(items, s.clock.Now())), nil
}

// todoItem is one line of 待办: the case and its first running clock.
type todoItem struct {
	c   *models.Case
	due *models.Deadline // nil when no stage clock runs
}

// todoItems pairs each case with its first running deadline and orders
// them as 待办 shows them: major first, then overdue, then by due time.
func (s *Service) todoItems(ctx context.Context, cs []*models.Case) ([]todoItem, error) {
	due := map[uint64]*models.Deadline{}
	if s.remind != nil {
		ids := make([]uint64, len(cs))
		for i, c := range cs {
			ids[i] = c.ID
		}
		var err error
		if due, err = s.remind.Due(ctx, ids); err != nil {
			return nil, fmt.Errorf("casework: todo: %w", err)
		}
	}
	items := make([]todoItem, len(cs))
	for i, c := range cs {
		items[i] = todoItem{c: c, due: due[c.ID]}
	}
	slices.SortStableFunc(items, func(a, b todoItem) int {
		if a.c.Major != b.c.Major {
			return boolRank(a.c.Major)
		}
		switch {
		case a.due == nil && b.due == nil:
			return 0
		case a.due == nil:
			return 1
		case b.due == nil:
			return -1
		}
		return a.due.DueAt.Compare(b.due.DueAt)
	})
	return items, nil
}

// boolRank orders true before false.
func boolRank(first bool) int {
	if first {
		return -1
	}
	return 1
}

// todoText renders the 待办 list: 【重大】 and 【超时 N 小时】 marks, the
// stage and its due time on each line (issue 14).
func todoText(items []todoItem, now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "待办投诉 %d 件（重大、超时的在前）：", len(items))
	for i, it := range items {
		if i == todoLimit {
			fmt.Fprintf(&b, "\n……另有 %d 件", len(items)-todoLimit)
			break
		}
		b.WriteString("\n· ")
		if it.c.Major {
			b.WriteString("【重大】")
		}
		if it.due != nil && now.After(it.due.DueAt) {
			fmt.Fprintf(&b, "【超时%s】", lateness(now.Sub(it.due.DueAt)))
		}
		fmt.Fprintf(&b, "%s「%s」%s", it.c.Number, StatusName(it.c.Status), models.Ellipsis(it.c.Details, 20))
		if it.due != nil {
			fmt.Fprintf(&b, "；%s %s 前", remind.StageName(it.due.Stage), it.due.DueAt.In(models.CST).Format("01-02 15:04"))
		}
	}
	b.WriteString("\n查看详情：查 编号")
	return b.String()
}

// lateness says how late: minutes under an hour, hours under two days,
// else days.
func lateness(d time.Duration) string {
	switch {
	case d < time.Hour:
		return fmt.Sprintf(" %d 分钟", int(d.Minutes())+1)
	case d < 48*time.Hour:
		return fmt.Sprintf(" %d 小时", int(d.Hours()))
	}
	return fmt.Sprintf(" %d 天", int(d.Hours()/24))
}
