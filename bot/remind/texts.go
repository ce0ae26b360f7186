package remind

import (
	"fmt"
	"time"

	"tapline/models"
)

// stageNames are the stages as staff read them.
var stageNames = map[string]string{
	models.StageAccept: "接单", models.StageMeasures: "提出处理措施", models.StageApprove: "审批措施",
	models.StageResolve: "落实措施", models.StageFeedback: "当天确认反馈", models.StageCallback: "回访",
	models.StageMajorAck: "重大投诉领导确认", models.StageAuthority: "向住建部门报告",
}

// StageName returns the Chinese name of a stage.
func StageName(stage string) string {
	if n, ok := stageNames[stage]; ok {
		return n
	}
	return stage
}

// line is the text of one firing.
func (s *Service) line(kind string, d *models.Deadline, c *models.Case, now time.Time, level int) string {
	due := d.DueAt.In(s.loc).Format("01-02 15:04")
	what := fmt.Sprintf("投诉 %s「%s」", c.Number, StageName(d.Stage))
	var text string
	switch kind {
	case KindRemind:
		text = fmt.Sprintf("⏰ 提醒：%s将于 %s 到期（还剩 %s），请及时处理。", what, due, span(d.DueAt.Sub(now)))
	case KindWarn:
		text = fmt.Sprintf("⚠️ 超时警告：%s已于 %s 到期仍未完成", what, due)
	default:
		text = fmt.Sprintf("🔺 超时升级：%s已超时 %s，升级至%s。", what, span(now.Sub(d.DueAt)), s.rungName(d.Stage, level))
	}
	return text + s.hint(d.Stage, c)
}

// hint tells what ends the clock.
func (s *Service) hint(stage string, c *models.Case) string {
	switch stage {
	case models.StageMajorAck:
		return fmt.Sprintf(" 重大投诉（%s）须半小时内报告领导：请领导回复「已阅 %s」。", CriterionName(c.MajorReason), c.Number)
	case models.StageAuthority:
		return fmt.Sprintf(" 情况紧急且重大，请领导向住建部门报告后回复「已上报住建 %s 说明」。", c.Number)
	}
	return ""
}

// rungName names the rung reached at level.
func (s *Service) rungName(stage string, level int) string {
	names := map[string]string{rungHandler: "经办人", rungHead: "部门负责人", rungLeader: "分管领导",
		rungGM: "总经理", rungApprover: "审批人", rungHotline: "热线"}
	return names[rung(stage, level)]
}

// staffName returns a roster entry's name, or "未指定".
func (s *Service) staffName(id string) string {
	if st := s.plan.Policy.Staff(id); st != nil {
		return st.Name
	}
	return "未指定"
}

// span formats a duration for people: 2小时15分钟, 3天2小时.
func span(d time.Duration) string {
	d = d.Round(time.Minute)
	if d < time.Minute {
		return "不到1分钟"
	}
	days, h, m := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	out := ""
	if days > 0 {
		out += fmt.Sprintf("%d天", days)
	}
	if h > 0 {
		out += fmt.Sprintf("%d小时", h)
	}
	if m > 0 && days == 0 {
		out += fmt.Sprintf("%d分钟", m)
	}
	return out
}
