package seedgen

import (
	"time"

	"tapline/models"
)

// Outcome odds of a call-back, in percent (policy 3.1).
const (
	pctSatisfied   = 60
	pctBasic       = 25
	pctUnsatisfied = 8 // the rest is unreachable
)

// play takes the case through policy section 4 until now: accept,
// measures and approval (sometimes rejected), the resident's answer
// (sometimes another round), done, confirmation, closing, call-back.
func (l *life) play() {
	dept := l.c.Department
	crew, head := dept+".crew", dept+".head"
	if !l.stage(models.StageAccept, crew) {
		return
	}
	l.work.Assignee = crew
	l.event("accept", crew, "crew", "wecom", models.StatusAccepted, "接单")
	agreed, unfounded := l.agree(crew)
	if !agreed {
		return
	}
	if !unfounded { // an accepted explanation leaves nothing to carry out (policy 4.2.6)
		if !l.stage(models.StageResolve, crew) {
			return
		}
		l.event("done", crew, "crew", "dingtalk", models.StatusResolved, "措施已落实")
	}
	l.rate()
	if !l.stage(models.StageFeedback, head) {
		return
	}
	l.event("confirm", head, "head", "wecom", models.StatusConfirmed, "效果已确认，已反馈热线")
	if !l.pause(4 * time.Hour) {
		return
	}
	l.event("close", "hotline.crew", "crew", "wecom", models.StatusClosed, "结案")
	l.callBack()
}

// agree runs measures, approval and the resident's answer until the
// resident accepts (policy 4.2.5–4.3.2); agreed is false when now comes
// first, unfounded tells that the resident accepted an explanation.
func (l *life) agree(crew string) (agreed, unfounded bool) {
	for round := 1; round <= 3; round++ {
		if !l.stage(models.StageMeasures, crew) {
			return false, false
		}
		unfounded = l.g.rng.IntN(100) < 4
		l.propose(crew, unfounded)
		if !unfounded && !l.approve() {
			return false, false
		}
		if !l.pause(6 * time.Hour) {
			return false, false
		}
		l.work.Round++
		if round < 3 && l.g.rng.IntN(100) < 10 {
			l.event("resident_reject", l.residentActor(), "resident", "wechat", models.StatusAccepted, "不接受：希望尽快彻底解决")
			continue
		}
		to := models.StatusAgreed
		if unfounded {
			to = models.StatusResolved
		}
		l.event("resident_accept", l.residentActor(), "resident", "wechat", to, "接受")
		return true, unfounded
	}
	return false, false
}

// propose writes a new measure version.
func (l *life) propose(crew string, unfounded bool) {
	g := l.g
	l.work.MeasureVersion++
	m := models.Measure{ID: g.nextMeasure, CaseID: l.c.ID, Version: l.work.MeasureVersion, Kind: models.MeasureKindMeasures,
		Text: "上门核查，更换损坏部件并跟踪三天", Proposer: crew, CreatedAt: l.t.UTC()}
	g.nextMeasure++
	typ, to := "propose", models.StatusMeasuresProposed
	if unfounded {
		m.Kind, m.Text, typ, to = models.MeasureKindUnfounded, "经现场核查，供水正常，已向居民解释", "unfounded", models.StatusNegotiating
	}
	l.b.measures = append(l.b.measures, m)
	l.event(typ, crew, "crew", "wecom", to, m.Text)
}

// approve runs the approval stage: the GM for major cases, the leader in
// charge otherwise (policy 4.2.7); one in ten is rejected first.
func (l *life) approve() bool {
	approver, role := "gm", "gm"
	if !l.c.Major {
		if ld := l.g.p.LeaderOf(l.c.Department); ld != nil {
			approver, role = ld.ID, "leader"
		}
	}
	for {
		if !l.stage(models.StageApprove, approver) {
			return false
		}
		m := l.b.measures[len(l.b.measures)-1]
		a := models.Approval{CaseID: l.c.ID, MeasureID: m.ID, MeasureVersion: m.Version, Approver: approver,
			Role: role, Decision: models.DecisionApprove, CreatedAt: l.t.UTC()}
		if l.g.rng.IntN(100) < 10 && m.Version < 3 {
			a.Decision, a.Reason = models.DecisionReject, "措施不够具体，请补充时间安排"
			l.b.approvals = append(l.b.approvals, a)
			l.event("reject", approver, role, "wecom", models.StatusAccepted, a.Reason)
			if !l.stage(models.StageMeasures, l.work.Assignee) {
				return false
			}
			l.propose(l.work.Assignee, false)
			continue
		}
		l.b.approvals = append(l.b.approvals, a)
		l.event("approve", approver, role, "wecom", models.StatusNegotiating, "同意")
		return true
	}
}

// residentActor is who answers for the resident: their OpenID in WeChat,
// else the crew on the phone.
func (l *life) residentActor() string {
	if l.c.ResidentID != "" {
		return l.c.ResidentID
	}
	return l.work.Assignee
}

// rate lets four in ten residents score the handling (PRODUCT E1).
func (l *life) rate() {
	if l.c.ResidentID == "" || l.g.rng.IntN(100) >= 40 {
		return
	}
	scores := []int{5, 5, 5, 4, 4, 4, 3, 2, 1}
	l.b.ratings = append(l.b.ratings, models.Rating{CaseID: l.c.ID, ResidentID: l.c.ResidentID,
		Score: scores[l.g.rng.IntN(len(scores))], CreatedAt: l.t.UTC()})
}

// callBack runs the hotline's call-back (policy 3.1): satisfied archives,
// unsatisfied reopens the case to its department, unreachable is tried
// again.
func (l *life) callBack() {
	for attempt := 1; attempt <= 2; attempt++ {
		if !l.stage(models.StageCallback, "hotline.crew") {
			return
		}
		n := l.g.rng.IntN(100)
		cb := models.CallBack{CaseID: l.c.ID, Attempt: attempt, By: "hotline.crew", CreatedAt: l.t.UTC()}
		switch {
		case n < pctSatisfied:
			cb.Outcome = models.OutcomeSatisfied
		case n < pctSatisfied+pctBasic:
			cb.Outcome = models.OutcomeBasic
		case n < pctSatisfied+pctBasic+pctUnsatisfied:
			cb.Outcome, cb.Note = models.OutcomeUnsatisfied, "水压还是不稳定"
		default:
			cb.Outcome = models.OutcomeUnreachable
		}
		l.b.callbacks = append(l.b.callbacks, cb)
		switch {
		case cb.Outcome == models.OutcomeUnsatisfied:
			l.event("reopen", "hotline.crew", "crew", "wecom", models.StatusAccepted, "回访不满意，重新交部门处理："+cb.Note)
			l.stage(models.StageMeasures, l.work.Assignee)
			return
		case cb.Outcome == models.OutcomeUnreachable && attempt == 1:
			l.event("callback", "hotline.crew", "crew", "wecom", models.StatusClosed, "回访第1次联系不上")
			continue
		}
		l.event("callback", "hotline.crew", "crew", "wecom", models.StatusArchived, "回访："+cb.Outcome)
		l.event("archive", "hotline.crew", "crew", "", "", "归档")
		return
	}
}

// majorClocks runs the two clocks of a major case beside the main flow
// (policy 4.1.3): a leader acknowledges within 30 minutes, and an urgent
// case is reported to the housing authority.
func (l *life) majorClocks() {
	start, status := l.t, l.c.Status
	leader := "gm"
	if ld := l.g.p.LeaderOf(l.c.Department); ld != nil {
		leader = ld.ID
	}
	if l.stage(models.StageMajorAck, leader) {
		l.event("ack", leader, "leader", "wecom", "", "已阅")
	}
	if l.c.Urgent {
		l.t = start
		if l.stage(models.StageAuthority, leader) {
			l.event("report", leader, "leader", "wecom", "", "已上报住建局")
		}
	}
	l.t, l.c.Status = start, status
}
