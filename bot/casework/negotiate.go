package casework

import (
	"fmt"
	"maps"
	"slices"

	"tapline/bot"
	"tapline/models"
)

// buildPropose records a new measure version; it supersedes the previous
// one and goes to the approver (policy 4.2.7): the leader in charge for
// ordinary cases, the GM for major ones.
func (s *Service) buildPropose(a Actor, cmd Command, st *state) (step, error) {
	v := st.w.MeasureVersion + 1
	d := s.begin(a, ActPropose, table[ActPropose].To, st, fmt.Sprintf("第%d版措施：%s", v, cmd.Text))
	d.t.Measure = &models.Measure{Version: v, Kind: models.MeasureKindMeasures, Text: cmd.Text, Proposer: a.ID}
	d.w.MeasureVersion, d.w.Unfounded = v, false
	c := d.next
	ap := s.approver(c)
	title := fmt.Sprintf("措施待审批（第%d版）", v)
	if c.Major {
		title = "重大投诉" + title
	}
	card := s.card(c, title, fmt.Sprintf("%s提出：%s", s.deptName(c.Department), cmd.Text),
		button(ActApprove, c.Number, v, 1, "批准"), button(ActReject, c.Number, v, 3, "驳回"))
	msg := bot.Message{Card: card}
	d.out.leaders(msg)
	d.out.person(ap, msg)
	reply := fmt.Sprintf("已提交投诉 %s 第 %d 版措施，待%s审批。", c.Number, v, s.whoMay(ActApprove, c))
	if v > 1 && st.c.Status == models.StatusMeasuresProposed {
		reply += fmt.Sprintf("第 %d 版已作废。", v-1)
	}
	return d.finish(reply)
}

// buildUnfounded records the explanation of an unfounded complaint and
// puts it to the resident (policy 4.2.6); negotiation then runs as for
// measures.
func (s *Service) buildUnfounded(a Actor, cmd Command, st *state) (step, error) {
	v := st.w.MeasureVersion + 1
	d := s.begin(a, ActUnfounded, table[ActUnfounded].To, st, "投诉不属实："+cmd.Text)
	d.t.Measure = &models.Measure{Version: v, Kind: models.MeasureKindUnfounded, Text: cmd.Text, Proposer: a.ID}
	d.w.MeasureVersion, d.w.Unfounded = v, true
	d.w.Round++
	c := d.next
	d.out.resident("关于您的投诉 %s，%s核查后说明如下：\n%s\n如您认同，请回复「接受」；如不认同，请回复「不接受 原因」，我们会再次核实处理。",
		c.Number, s.deptName(c.Department), cmd.Text)
	return d.finish(s.putToResidentReply(c, "说明"))
}

// buildApprove approves the exact current measure version and puts the
// measures to the resident (policy 4.2.7, 4.3.1).
func (s *Service) buildApprove(a Actor, cmd Command, st *state) (step, error) {
	if refusal := s.checkVersion(cmd, st); refusal != "" {
		return step{reply: refusal}, nil
	}
	m := st.m
	d := s.begin(a, ActApprove, table[ActApprove].To, st, fmt.Sprintf("批准第%d版措施", m.Version))
	d.t.Approval = &models.Approval{MeasureID: m.ID, MeasureVersion: m.Version, Approver: a.ID,
		Role: a.Role, Decision: models.DecisionApprove, Reason: cmd.Text}
	d.w.Round++
	c := d.next
	d.out.dept(c.Department, textMsg("投诉 %s 第 %d 版措施已由%s批准，已请居民确认（第 %d 轮协商）。",
		c.Number, m.Version, a.Name, d.w.Round))
	d.out.resident("关于您的投诉 %s，我们的处理措施是：\n%s\n如您接受，请回复「接受」；如不接受，请回复「不接受 原因」，我们会调整方案。",
		c.Number, m.Text)
	return d.finish(fmt.Sprintf("已批准投诉 %s 第 %d 版措施。", c.Number, m.Version) + s.putToResidentReply(c, "措施"))
}

// buildReject sends the measures back with a reason (policy 4.2.7).
func (s *Service) buildReject(a Actor, cmd Command, st *state) (step, error) {
	if refusal := s.checkVersion(cmd, st); refusal != "" {
		return step{reply: refusal}, nil
	}
	m := st.m
	d := s.begin(a, ActReject, table[ActReject].To, st, fmt.Sprintf("驳回第%d版措施：%s", m.Version, cmd.Text))
	d.t.Approval = &models.Approval{MeasureID: m.ID, MeasureVersion: m.Version, Approver: a.ID,
		Role: a.Role, Decision: models.DecisionReject, Reason: cmd.Text}
	c := d.next
	d.out.dept(c.Department, textMsg("投诉 %s 第 %d 版措施被%s驳回：%s\n请提出新措施：措施 %s 内容",
		c.Number, m.Version, a.Name, cmd.Text, c.Number))
	return d.finish(fmt.Sprintf("已驳回投诉 %s 第 %d 版措施，已通知%s。", c.Number, m.Version, s.deptName(c.Department)))
}

// checkVersion binds a decision to the exact measure version (PRODUCT C2).
func (s *Service) checkVersion(cmd Command, st *state) string {
	if st.m == nil || st.m.Kind != models.MeasureKindMeasures {
		return fmt.Sprintf(txtNoMeasure, st.c.Number)
	}
	if cmd.Version != 0 && cmd.Version != st.m.Version {
		return fmt.Sprintf(txtStaleVersion, st.c.Number, st.m.Version, cmd.Version, st.m.Version, st.c.Number)
	}
	return ""
}

// putToResidentReply tells staff how the resident's answer comes back.
func (s *Service) putToResidentReply(c *models.Case, what string) string {
	if c.ResidentID == "" {
		return fmt.Sprintf("该投诉不是通过公众号提交的，请电话向居民说明%s，并记录结果：居民接受 %s 或 居民不接受 %s 原因。",
			what, c.Number, c.Number)
	}
	return "已发给居民确认，居民的答复会通知本部门群。"
}

// buildResidentAccept: the resident accepts the measures (policy 4.3.2),
// or the unfounded explanation, which needs no further work (policy 4.2.6).
func (s *Service) buildResidentAccept(a Actor, cmd Command, st *state) (step, error) {
	to := table[ActResidentAccept].To
	if st.w.Unfounded {
		to = models.StatusResolved
	}
	d := s.begin(a, ActResidentAccept, to, st, orDash(cmd.Text))
	c := d.next
	what := "处理措施"
	if st.w.Unfounded {
		what = "不属实说明"
	}
	next := "请实施措施，完成后发送：完成 " + c.Number
	if st.w.Unfounded {
		next = "请负责人确认后反馈热线：确认 " + c.Number
	}
	d.out.dept(c.Department, textMsg("投诉 %s：居民已接受%s（第 %d 轮）。%s", c.Number, what, st.w.Round, next))
	if a.Role == roleResident {
		return d.finish(fmt.Sprintf("感谢您的认可！投诉 %s 我们会按商定的%s落实。", c.Number, what))
	}
	return d.finish(fmt.Sprintf("已记录居民接受投诉 %s 的%s。%s", c.Number, what, next))
}

// buildResidentReject: the resident does not accept; the department
// proposes new measures and approval runs again (policy 4.3.2). After
// escalateRounds rounds the approver is notified (PRODUCT C3).
func (s *Service) buildResidentReject(a Actor, cmd Command, st *state) (step, error) {
	reason := orDash(cmd.Text)
	d := s.begin(a, ActResidentReject, table[ActResidentReject].To, st, reason)
	d.w.Unfounded = false
	c := d.next
	d.out.dept(c.Department, textMsg("投诉 %s：居民不接受第 %d 轮方案，原因：%s\n请提出新措施并重新审批：措施 %s 内容",
		c.Number, st.w.Round, reason, c.Number))
	if st.w.Round >= s.escalateRounds {
		msg := textMsg("投诉 %s（%s）已协商 %d 轮，居民仍不接受，请关注。最近原因：%s",
			c.Number, s.deptName(c.Department), st.w.Round, reason)
		d.out.leaders(msg)
		d.out.person(s.approver(c), msg)
	}
	if a.Role == roleResident {
		return d.finish(fmt.Sprintf("收到您的意见，投诉 %s 我们会重新研究处理方案，再与您沟通。", c.Number))
	}
	return d.finish(fmt.Sprintf("已记录居民不接受投诉 %s 的方案，请提出新措施：措施 %s 内容", c.Number, c.Number))
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
