package casework

import (
	"fmt"

	"tapline/models"
)

// Suspending a case: the department head stops its clocks with a reason
// (waiting on another utility, a court, the resident abroad) and resumes
// them later with the allowance they had left.
const (
	ActSuspend = "suspend" // 挂起 <理由>
	ActResume  = "resume"  // 恢复
)

// suspendFrom are the statuses whose stage clock a head may pause: those in
// which the department or the approver is on the clock.
var suspendFrom = list(models.StatusAssigned, models.StatusAccepted, models.StatusMeasuresProposed,
	models.StatusAgreed, models.StatusResolved)

// buildSuspend pauses the case's clocks (Spec.Clock) and records why.
func (s *Service) buildSuspend(a Actor, cmd Command, st *state) (step, error) {
	c := st.c
	if st.w.SuspendedAt != nil {
		return step{reply: fmt.Sprintf("投诉 %s 已于 %s 挂起（%s）。恢复办理：恢复 %s", c.Number,
			st.w.SuspendedAt.In(models.CST).Format("01-02 15:04"), st.w.SuspendReason, c.Number)}, nil
	}
	d := s.begin(a, ActSuspend, "", st, "挂起："+cmd.Text)
	now := s.clock.Now()
	d.w.SuspendedAt, d.w.SuspendReason = &now, cmd.Text
	d.out.dept(c.Department, textMsg("投诉 %s 已由%s挂起：%s\n期限暂停计时，恢复后按剩余时间继续。", c.Number, a.Name, cmd.Text))
	return d.finish(fmt.Sprintf("已挂起投诉 %s，期限暂停计时。恢复办理：恢复 %s", c.Number, c.Number))
}

// buildResume runs the paused clocks again with what they had left.
func (s *Service) buildResume(a Actor, _ Command, st *state) (step, error) {
	c := st.c
	if st.w.SuspendedAt == nil {
		return step{reply: fmt.Sprintf("投诉 %s 没有挂起，无需恢复。", c.Number)}, nil
	}
	d := s.begin(a, ActResume, "", st, "恢复办理（挂起理由："+st.w.SuspendReason+"）")
	d.w.SuspendedAt, d.w.SuspendReason = nil, ""
	d.out.dept(c.Department, textMsg("投诉 %s 已由%s恢复办理，期限按挂起时剩余的时间继续计时。", c.Number, a.Name))
	return d.finish(fmt.Sprintf("已恢复投诉 %s，期限按挂起时剩余的时间继续计时。", c.Number))
}
