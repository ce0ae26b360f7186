package casework

import (
	"context"
	"fmt"
	"strings"

	"tapline/bot"
	"tapline/bot/policy"
	"tapline/bot/remind"
	"tapline/models"
)

// criterionWords map a staff member's reason to the criterion of policy
// 4.1.3 it names; the policy's lexicon is tried first.
var criterionWords = []struct{ word, criterion string }{
	{"安全", "safety"}, {"政府", "government"}, {"12345", "government"}, {"信访", "government"},
	{"媒体", "media"}, {"曝光", "media"}, {"记者", "media"}, {"群体", "group"}, {"多户", "group"},
	{"赔偿", "compensation"}, {"损失", "loss"}, {"社会", "social"}, {"司法", "legal"}, {"诉讼", "legal"},
	{"起诉", "legal"}, {"律师", "legal"},
}

// criterionOf returns the criterion a reason names, "staff" when none.
func (s *Service) criterionOf(reason string) string {
	if c, _ := s.policy.MajorCriterion(reason); c != "" {
		return c
	}
	for _, w := range criterionWords {
		if strings.Contains(reason, w.word) {
			return w.criterion
		}
	}
	return "staff"
}

// majorFits reports whether a major-complaint action fits c: only a major
// case is acknowledged or reported on, only an ordinary one flagged.
func majorFits(action string, c *models.Case) bool {
	switch action {
	case ActAck, ActReport:
		return c.Major
	case ActMajor:
		return !c.Major
	}
	return true
}

// majorRefusal explains why a major-complaint action does not fit c.
func majorRefusal(action string, c *models.Case) string {
	if majorFits(action, c) {
		return ""
	}
	if action == ActMajor {
		return fmt.Sprintf("投诉 %s 已是重大投诉（%s），无需再设。", c.Number, remind.CriterionName(c.MajorReason))
	}
	return fmt.Sprintf("投诉 %s 不是重大投诉，无需%s（只适用于重大投诉）。如需设为重大，请回复：重大 %s 理由",
		c.Number, actionNames[action], c.Number)
}

// buildMajor flags the case major on a staff member's word (policy 4.1.3):
// leadership is alerted at once and the 30-minute acknowledgement clock
// starts; from now on the GM approves its measures (policy 4.2.7).
func (s *Service) buildMajor(a Actor, cmd Command, st *state) (step, error) {
	crit := s.criterionOf(cmd.Text)
	d := s.begin(a, ActMajor, "", st, fmt.Sprintf("设为重大投诉（%s）：%s", remind.CriterionName(crit), cmd.Text))
	d.next.Major, d.next.MajorReason, d.next.Urgent = true, crit, crit == "safety"
	d.t.Major = &models.MajorFlag{Reason: crit, Urgent: d.next.Urgent}
	if s.remind != nil {
		dls, rows, err := s.remind.StartMajor(d.next, a.Name+"认定："+cmd.Text, s.clock.Now())
		if err != nil {
			return step{reply: txtUnavailable}, err
		}
		d.t.Deadlines, d.out.rows = append(d.t.Deadlines, dls...), append(d.out.rows, rows...)
	}
	d.out.dept(d.next.Department, textMsg("投诉 %s 已由%s设为重大投诉（%s），措施须总经理审批。",
		d.next.Number, a.Name, remind.CriterionName(crit)))
	return d.finish(fmt.Sprintf("已将投诉 %s 设为重大投诉（%s），已报告领导，30分钟内须有领导确认。",
		d.next.Number, remind.CriterionName(crit)))
}

// buildAck records a leader's acknowledgement of a major complaint: the
// acknowledgement clock stops, for every case of its incident too.
func (s *Service) buildAck(a Actor, cmd Command, st *state) (step, error) {
	d := s.begin(a, ActAck, "", st, a.Name+"已阅重大投诉")
	d.t.StopStages, d.t.StopIncident = []string{models.StageMajorAck}, st.c.IncidentID
	d.out.leaders(textMsg("%s 已阅重大投诉 %s（%s）。", a.Name, st.c.Number, remind.CriterionName(st.c.MajorReason)))
	reply := fmt.Sprintf("已记录：您已阅重大投诉 %s。", st.c.Number)
	if st.c.Urgent && !st.reported {
		reply += fmt.Sprintf("情况紧急且重大，请向住建部门报告后回复：已上报住建 %s 说明", st.c.Number)
	}
	return d.finish(reply)
}

// buildReport records the report of an urgent major complaint to the
// housing authority (policy 4.1.3) and stops its clock.
func (s *Service) buildReport(a Actor, cmd Command, st *state) (step, error) {
	d := s.begin(a, ActReport, "", st, "已向住建部门报告："+cmd.Text)
	d.t.StopStages = []string{models.StageAuthority}
	d.out.leaders(textMsg("%s 已就重大投诉 %s 向住建部门报告：%s", a.Name, st.c.Number, models.Ellipsis(cmd.Text, summaryRunes)))
	return d.finish(fmt.Sprintf("已记录重大投诉 %s 向住建部门的报告。", st.c.Number))
}

// majors lists the open major cases for the GM's review (policy 4.2.7,
// 6.3): criterion, status and whether a leader acknowledged.
func (s *Service) majors(ctx context.Context, a Actor) (bot.Reply, error) {
	if a.Role != policy.RoleLeader && a.Role != policy.RoleGM {
		return text("重大投诉清单供分管领导和总经理查看。"), nil
	}
	yes := true
	cases, total, err := s.cases.FindCases(ctx, models.CaseFilter{Major: &yes, Statuses: models.OpenStatuses, Limit: 20})
	if err != nil {
		return text(txtUnavailable), err
	}
	if total == 0 {
		return text("目前没有未办结的重大投诉。"), nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "未办结的重大投诉 %d 件（措施由总经理审批）：\n", total)
	for _, c := range cases {
		fmt.Fprintf(&b, "· %s %s｜%s｜%s\n", c.Number, remind.CriterionName(c.MajorReason),
			s.deptName(c.Department), StatusName(c.Status))
	}
	return text(strings.TrimRight(b.String(), "\n")), nil
}
