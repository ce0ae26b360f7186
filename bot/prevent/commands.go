package prevent

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"tapline/bot/policy"
	"tapline/models"
)

// itemRe reads an item number: P12, p12, 12.
var itemRe = regexp.MustCompile(`^[Pp]?(\d{1,9})\s*[,，:：、]?\s*`)

// parseItem splits "P12 措施…" into 12 and the rest.
func parseItem(text string) (uint64, string, bool) {
	t := strings.TrimSpace(text)
	m := itemRe.FindStringSubmatch(t)
	if m == nil {
		return 0, t, false
	}
	id, err := strconv.ParseUint(m[1], 10, 64)
	return id, strings.TrimSpace(t[len(m[0]):]), err == nil
}

// Draft records the measure the owner proposes (预防 P12 …) and sends it to
// the GM for approval (policy 4.4.2). A redraft after a rejection is the
// same command.
func (s *Service) Draft(ctx context.Context, staffID, text string) (string, error) {
	p, rest, refusal, err := s.item(ctx, text, "预防 P编号 措施内容")
	if p == nil {
		return refusal, err
	}
	st := s.policy.Staff(staffID)
	switch {
	case rest == "":
		return fmt.Sprintf("请写明预防措施：预防 P%d 措施内容", p.ID), nil
	case st == nil || (st.ID != p.Owner && st.Role != policy.RoleGM):
		return fmt.Sprintf("预防事项 P%d 由%s制定措施。", p.ID, s.name(p.Owner)), nil
	case p.Status != models.PreventionOpen:
		return fmt.Sprintf("预防事项 P%d 当前为「%s」，不能再修改措施。", p.ID, statusName(p.Status)), nil
	}
	p.Measure, p.Status = rest, models.PreventionDrafted
	if err := s.store.UpdatePrevention(ctx, p, models.PreventionOpen); err != nil {
		return conflictText(p.ID, err), err
	}
	gm := s.policy.Staff(s.policy.GM)
	s.post(ctx, append(s.book.Person(gm), s.book.Leaders()...), fmt.Sprintf(
		"📝 预防措施待总经理审批：P%d %s\n措施：%s\n批准：批准预防 P%d；驳回：驳回预防 P%d 理由",
		p.ID, s.describe(p), rest, p.ID, p.ID))
	return fmt.Sprintf("已提交预防措施 P%d，等待总经理审批。", p.ID), nil
}

// Approve is the GM's approval: the measure is announced to every
// department's group (policy 4.4.2).
func (s *Service) Approve(ctx context.Context, staffID, text string) (string, error) {
	p, _, refusal, err := s.item(ctx, text, "批准预防 P编号")
	if p == nil {
		return refusal, err
	}
	if msg := s.gmOnly(staffID, p); msg != "" {
		return msg, nil
	}
	now := s.clock.Now()
	p.Status, p.ApprovedBy, p.ApprovedAt = models.PreventionAnnounced, staffID, &now
	if err := s.store.UpdatePrevention(ctx, p, models.PreventionDrafted); err != nil {
		return conflictText(p.ID, err), err
	}
	text = fmt.Sprintf("📢 预防措施通报（总经理已批准）：%s\n%s\n请各部门对照落实，防止类似投诉再次发生。", s.describe(p), p.Measure)
	for _, k := range s.policy.DepartmentKeys() { // every department of the policy file (policy 4.4.2 通报各部门)
		s.post(ctx, s.book.Dept(k), text)
	}
	s.post(ctx, s.book.Leaders(), text)
	return fmt.Sprintf("已批准预防措施 P%d，已通报各部门。", p.ID), nil
}

// Reject sends the measure back to its owner with the GM's reason.
func (s *Service) Reject(ctx context.Context, staffID, text string) (string, error) {
	p, reason, refusal, err := s.item(ctx, text, "驳回预防 P编号 理由")
	if p == nil {
		return refusal, err
	}
	if msg := s.gmOnly(staffID, p); msg != "" {
		return msg, nil
	}
	if reason == "" {
		return fmt.Sprintf("驳回需要写明理由：驳回预防 P%d 理由", p.ID), nil
	}
	p.Status = models.PreventionOpen
	if err := s.store.UpdatePrevention(ctx, p, models.PreventionDrafted); err != nil {
		return conflictText(p.ID, err), err
	}
	s.post(ctx, s.book.Person(s.policy.Staff(p.Owner)), fmt.Sprintf("预防措施 P%d 被总经理驳回：%s\n请修改后重新提交：预防 P%d 措施内容", p.ID, reason, p.ID))
	return fmt.Sprintf("已驳回预防措施 P%d，已告知%s。", p.ID, s.name(p.Owner)), nil
}

// gmOnly refuses anyone but the GM, and items not waiting for approval.
func (s *Service) gmOnly(staffID string, p *models.Prevention) string {
	if staffID != s.policy.GM {
		return "预防措施由总经理审批。"
	}
	if p.Status != models.PreventionDrafted {
		return fmt.Sprintf("预防事项 P%d 当前为「%s」，没有待审批的措施。", p.ID, statusName(p.Status))
	}
	return ""
}

// item reads the item a command names.
func (s *Service) item(ctx context.Context, text, usage string) (*models.Prevention, string, string, error) {
	id, rest, ok := parseItem(text)
	if !ok {
		return nil, "", "请带上预防事项编号，例如：" + usage, nil
	}
	p, err := s.store.FindPrevention(ctx, id)
	switch models.ErrorCode(err) {
	case "":
		return p, rest, "", nil
	case models.ENOTFOUND:
		return nil, "", fmt.Sprintf("没有预防事项 P%d。发送「预防清单」查看。", id), nil
	}
	return nil, "", "系统暂时无法读取预防事项，请稍后再试。", err
}

func conflictText(id uint64, err error) string {
	if models.ErrorCode(err) == models.ECONFLICT {
		return fmt.Sprintf("预防事项 P%d 刚被别人处理过，请发送「预防清单」查看最新状态。", id)
	}
	return "系统暂时无法保存，请稍后再试。"
}

// statusName is an item's status as people read it.
func statusName(st string) string {
	return map[string]string{models.PreventionOpen: "待制定措施", models.PreventionDrafted: "待总经理审批",
		models.PreventionAnnounced: "已通报，观察效果", models.PreventionChecked: "已检查效果"}[st]
}

// List shows the items not yet checked.
func (s *Service) List(ctx context.Context) (string, error) {
	items, err := s.store.ListPreventions(ctx, models.PreventionOpen, models.PreventionDrafted, models.PreventionAnnounced)
	if err != nil {
		return "系统暂时无法读取预防事项，请稍后再试。", err
	}
	if len(items) == 0 {
		return "目前没有进行中的预防事项。", nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "预防事项 %d 项：", len(items))
	for _, p := range items {
		fmt.Fprintf(&b, "\nP%d %s｜%d 件｜%s｜负责：%s", p.ID, s.describe(p), p.Cases, statusName(p.Status), s.name(p.Owner))
	}
	return b.String(), nil
}
