package casework

import (
	"fmt"
	"strings"

	"tapline/bot"
	"tapline/bot/policy"
	"tapline/models"
)

// builder makes the transition of one action on a checked state.
type builder func(s *Service, a Actor, cmd Command, st *state) (step, error)

// build runs the action's builder; a step without a transition is a refusal.
func (s *Service) build(a Actor, cmd Command, st *state) (step, error) {
	b, ok := builders[cmd.Action]
	if !ok {
		return step{reply: txtNotUnderstood}, nil
	}
	return b(s, a, cmd, st)
}

// draft is a transition being built: the case as it will be, its work row
// and its outbox.
type draft struct {
	t    *models.Transition
	next *models.Case
	w    *models.CaseWork
	out  *outbox
}

// begin starts the transition of action to status to (the table's, or the
// current status when empty), with the event text.
func (s *Service) begin(a Actor, action, to string, st *state, eventText string) *draft {
	if to == "" {
		to = st.c.Status
	}
	next := *st.c
	next.Status = to
	w := *st.w
	t := &models.Transition{CaseID: st.c.ID, Version: st.c.Version, ToStatus: to, Work: &w,
		Event: models.CaseEvent{Type: action, Actor: a.ID, Role: a.Role, Channel: a.Platform,
			FromStatus: st.c.Status, ToStatus: to, Text: eventText}}
	return &draft{t: t, next: &next, w: &w, out: s.outbox(&next)}
}

// finish attaches the outbox and returns the step.
func (d *draft) finish(reply string) (step, error) {
	if d.out.err != nil {
		return step{reply: txtUnavailable}, d.out.err
	}
	d.t.Outbox = d.out.rows
	return step{t: d.t, reply: reply}, nil
}

// buildAccept: the department takes the case on (policy 4.2.1).
func (s *Service) buildAccept(a Actor, cmd Command, st *state) (step, error) {
	d := s.begin(a, ActAccept, table[ActAccept].To, st, a.Name+"接单")
	d.w.Assignee = a.ID
	c := d.next
	d.out.dept(c.Department, textMsg("%s 已接单：投诉 %s（%s）", a.Name, c.Number, models.Ellipsis(c.Details, 30)))
	d.out.resident("您的投诉 %s 已由%s受理，工作人员会尽快与您联系处理。", c.Number, s.deptName(c.Department))
	reply := fmt.Sprintf("已接单：投诉 %s。", c.Number)
	if cmd.Private { // the one who took it on, in their own chat (issue 14); groups stay masked
		reply += fmt.Sprintf("\n居民：%s %s，%s（仅您可见，请勿转发到群）", orDash(c.Name), orDash(c.Phone), orDash(c.Address))
	}
	return d.finish(reply + s.nextText(a, c))
}

// nextText lists what a may do next on c, from the transition table.
func (s *Service) nextText(a Actor, c *models.Case) string {
	acts := possible(s.policy, a, c)
	names := make([]string, 0, len(acts))
	for _, act := range acts {
		if act != ActMajor {
			names = append(names, actionNames[act])
		}
	}
	if len(names) == 0 {
		return ""
	}
	return "\n下一步可以：" + strings.Join(names, "、") + "。"
}

// buildNote records a progress note; internal, never shown to the resident.
func (s *Service) buildNote(a Actor, cmd Command, st *state) (step, error) {
	d := s.begin(a, ActNote, "", st, cmd.Text)
	return d.finish(fmt.Sprintf("已记录投诉 %s 的进展。%d 分钟内发送的照片会附到这条进展。",
		st.c.Number, int(s.photoWindow.Minutes())))
}

// buildAsk relays a question to the resident (policy 4.2.2); their next
// WeChat message comes back to the case.
func (s *Service) buildAsk(a Actor, cmd Command, st *state) (step, error) {
	if st.c.ResidentID == "" {
		return step{reply: fmt.Sprintf(txtNoResident, st.c.Number)}, nil
	}
	d := s.begin(a, ActAsk, "", st, cmd.Text)
	now := s.clock.Now()
	d.w.PendingQuestion, d.w.QuestionBy, d.w.QuestionAt = cmd.Text, a.ID, &now
	d.out.resident("关于您的投诉 %s，%s想了解：%s\n请直接回复本消息。", st.c.Number, s.deptName(st.c.Department), cmd.Text)
	return d.finish(fmt.Sprintf("已转达居民（投诉 %s）。居民回复后会记入投诉并发到本部门群。", st.c.Number))
}

// buildTransfer moves the case to another department with a reason
// (policy 4.1.2) and sends that department a new card.
func (s *Service) buildTransfer(a Actor, cmd Command, st *state) (step, error) {
	dept, reason := s.splitDept(cmd.Text)
	switch {
	case dept == "":
		return step{reply: fmt.Sprintf(txtNoDept, s.deptNames())}, nil
	case dept == st.c.Department:
		return step{reply: fmt.Sprintf(txtSameDept, st.c.Number, s.deptName(dept))}, nil
	case reason == "":
		return step{reply: fmt.Sprintf(txtNeedText, "转派", specOf(ActTransfer).Needs, specOf(ActTransfer).example(st.c.Number))}, nil
	}
	from := s.deptName(st.c.Department)
	d := s.begin(a, ActTransfer, table[ActTransfer].To, st, fmt.Sprintf("转派至%s：%s", s.deptName(dept), reason))
	d.t.Department, d.next.Department = dept, dept
	d.w.Assignee = ""
	card := s.card(d.next, "转派投诉（来自"+from+"）", st.c.Details+"\n转派理由："+reason,
		button(ActAccept, st.c.Number, 0, 1, "接单"))
	d.out.dept(dept, bot.Message{Card: card})
	return d.finish(fmt.Sprintf("已将投诉 %s 转派至%s，已通知该部门群。", st.c.Number, s.deptName(dept)))
}

// splitDept reads "<部门> <理由>": the department by name or key at the
// start of text.
func (s *Service) splitDept(text string) (dept, reason string) {
	best := 0
	for key, d := range s.policy.Departments {
		for _, name := range []string{d.Name, key} {
			if strings.HasPrefix(strings.ToLower(text), strings.ToLower(name)) && len(name) > best {
				dept, best = key, len(name)
			}
		}
	}
	if dept == "" {
		return "", ""
	}
	return dept, strings.TrimSpace(strings.TrimLeft(text[best:], separators))
}

// deptNames lists the department names.
func (s *Service) deptNames() string {
	var names []string
	for _, key := range sortedKeys(s.policy.Departments) {
		names = append(names, s.policy.Departments[key].Name)
	}
	return strings.Join(names, "、")
}

// buildDone: the department reports the agreed measures carried out.
func (s *Service) buildDone(a Actor, cmd Command, st *state) (step, error) {
	d := s.begin(a, ActDone, table[ActDone].To, st, cmd.Text)
	c := d.next
	card := s.card(c, "待确认效果", "处理完成："+orDash(cmd.Text), button(ActConfirm, c.Number, 0, 1, "确认效果"))
	d.out.dept(c.Department, bot.Message{Card: card})
	d.out.resident("您的投诉 %s 的处理措施已实施完毕，%s负责人将确认处理效果。", c.Number, s.deptName(c.Department))
	return d.finish(fmt.Sprintf("已报告投诉 %s 处理完成，待%s负责人确认效果。", c.Number, s.deptName(c.Department)))
}

// buildConfirm: the head confirms the effect; the result goes to the
// hotline and the resident the same day (policy 4.3.3).
func (s *Service) buildConfirm(a Actor, cmd Command, st *state) (step, error) {
	d := s.begin(a, ActConfirm, table[ActConfirm].To, st, orDash(cmd.Text))
	c := d.next
	plan, done := s.outcome(st)
	dept := s.deptName(c.Department)
	d.out.dept(policy.DeptHotline, textMsg("处理结果反馈：投诉 %s（%s）\n处理措施：%s\n完成情况：%s\n效果已由%s确认。请答复居民并安排回访。",
		c.Number, dept, plan, done, withDept(dept, a.Name)))
	d.out.resident("您的投诉 %s 已处理完毕：%s\n处理效果已确认。感谢您的耐心，如仍有问题请直接回复。\n欢迎为本次处理打分：回复「评价 5 意见」（1–5 分）。", c.Number, done)
	return d.finish(fmt.Sprintf("已确认投诉 %s 的处理效果，结果已反馈供水服务热线和居民。", c.Number))
}

// outcome is what was agreed (the measure, or the unfounded explanation)
// and what was done: the completion report the department sent with 完成,
// the agreed measure when the report said nothing.
func (s *Service) outcome(st *state) (plan, done string) {
	plan = "—"
	if st.m != nil {
		plan = st.m.Text
		if st.w.Unfounded {
			plan = "经核查投诉不属实：" + st.m.Text
		}
	}
	done = st.report
	if done == "" {
		done = plan
	}
	return plan, done
}

// withDept is a person's name with their department in front, unless the
// name already starts with it (供水股负责人, not 供水股供水股负责人).
func withDept(dept, name string) string {
	if strings.HasPrefix(name, dept) {
		return name
	}
	return dept + name
}

// buildClose archives a confirmed case (policy 3.1).
func (s *Service) buildClose(a Actor, cmd Command, st *state) (step, error) {
	d := s.begin(a, ActClose, table[ActClose].To, st, orDash(cmd.Text))
	return d.finish(fmt.Sprintf("投诉 %s 已结案归档。", st.c.Number))
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
