package casework

import (
	"context"
	"fmt"
	"strings"

	"tapline/bot"
	"tapline/bot/policy"
	"tapline/models"
)

// outcomeWords read a call-back outcome at the start of the text, longest
// first (不满意 and 基本满意 before 满意).
var outcomeWords = []struct{ word, outcome string }{
	{"基本满意", models.OutcomeBasic}, {"不满意", models.OutcomeUnsatisfied}, {"不太满意", models.OutcomeUnsatisfied},
	{"满意", models.OutcomeSatisfied}, {"联系不上", models.OutcomeUnreachable}, {"无人接听", models.OutcomeUnreachable},
	{"打不通", models.OutcomeUnreachable}, {"未接通", models.OutcomeUnreachable}, {"关机", models.OutcomeUnreachable},
}

// outcomeNames are the outcomes as the hotline reads them.
var outcomeNames = map[string]string{models.OutcomeSatisfied: "满意", models.OutcomeBasic: "基本满意",
	models.OutcomeUnsatisfied: "不满意", models.OutcomeUnreachable: "联系不上"}

// OutcomeName returns the Chinese name of a call-back outcome.
func OutcomeName(o string) string { return outcomeNames[o] }

// parseOutcome splits "不满意 水压还是小" into the outcome and the note.
func parseOutcome(text string) (outcome, note string) {
	t := strings.TrimSpace(text)
	for _, w := range outcomeWords {
		if strings.HasPrefix(t, w.word) {
			return w.outcome, strings.Trim(strings.TrimPrefix(t, w.word), separators)
		}
	}
	return "", t
}

// buildCallback records the hotline's call-back (policy 3.1, PRODUCT E1):
// satisfied or basically satisfied archives the case; unsatisfied reopens
// it to its department with the reason; unreachable keeps it in the queue
// until the attempts run out, then archives it as unreachable.
func (s *Service) buildCallback(a Actor, cmd Command, st *state) (step, error) {
	outcome, note := parseOutcome(cmd.Text)
	c := st.c
	switch {
	case outcome == "":
		return step{reply: fmt.Sprintf("没看懂回访结果。请回复：%s", specOf(ActCallback).example(st.c.Number))}, nil
	case outcome == models.OutcomeUnsatisfied && note == "":
		return step{reply: fmt.Sprintf("居民不满意时请写明原因，部门会据此重新处理：回访 %s 不满意 原因", c.Number)}, nil
	}
	attempt := st.callbacks + 1
	to, typ, text := models.StatusArchived, ActCallback, "回访："+outcomeNames[outcome]
	switch outcome {
	case models.OutcomeUnsatisfied:
		to, typ, text = models.StatusAccepted, "reopen", "回访不满意，重新交部门处理："+note
	case models.OutcomeUnreachable:
		if attempt < s.callbackAttempts {
			to, text = models.StatusClosed, fmt.Sprintf("回访第%d次联系不上", attempt)
		} else {
			text = fmt.Sprintf("回访%d次均联系不上，归档", attempt)
		}
	}
	if note != "" && outcome != models.OutcomeUnsatisfied {
		text += "：" + note
	}
	d := s.begin(a, typ, to, st, text)
	d.t.CallBack = &models.CallBack{Attempt: attempt, Outcome: outcome, By: a.ID, Note: note}
	if to == models.StatusAccepted {
		d.out.dept(c.Department, textMsg("投诉 %s 回访居民不满意，已重新交回%s处理：%s（请重新提出措施）",
			c.Number, s.deptName(c.Department), models.Ellipsis(note, summaryRunes)))
		d.out.resident("您对投诉 %s 的处理不满意，我们已交回%s重新处理，会尽快与您联系。", c.Number, s.deptName(c.Department))
	}
	return d.finish(callbackReply(c.Number, outcome, to, attempt))
}

// callbackReply tells the hotline what the call-back did.
func callbackReply(number, outcome, to string, attempt int) string {
	switch to {
	case models.StatusArchived:
		return fmt.Sprintf("已记录投诉 %s 的回访（%s），已归档。", number, outcomeNames[outcome])
	case models.StatusAccepted:
		return fmt.Sprintf("已记录回访不满意，投诉 %s 已重新交回部门处理。", number)
	}
	return fmt.Sprintf("已记录第%d次回访联系不上，投诉 %s 留在回访队列，请稍后再打。", attempt, number)
}

// countCallbacks returns how many call-backs the case had.
func (s *Service) countCallbacks(ctx context.Context, caseID uint64) (int, error) {
	if s.after == nil {
		return 0, nil
	}
	cbs, err := s.after.CallBacks(ctx, caseID)
	return len(cbs), err
}

// preventCommand hands the prevention-measure commands to bot/prevent.
func (s *Service) preventCommand(ctx context.Context, a Actor, cmd Command) (bot.Reply, error) {
	if s.prevent == nil {
		return text("预防措施功能未启用。"), nil
	}
	var reply string
	var err error
	switch cmd.Action {
	case ActPrevent:
		reply, err = s.prevent.Draft(ctx, a.ID, cmd.Text)
	case ActPreventApprove:
		reply, err = s.prevent.Approve(ctx, a.ID, cmd.Text)
	case ActPreventReject:
		reply, err = s.prevent.Reject(ctx, a.ID, cmd.Text)
	default:
		reply, err = s.prevent.List(ctx)
	}
	return text(reply), err
}

// reportCommand answers 台账 and 统计 for the leaders and the GM (policy
// 4.4.1–4.4.2: leaders supervise from the ledger).
func (s *Service) reportCommand(ctx context.Context, a Actor, cmd Command) (bot.Reply, error) {
	if a.Role != policy.RoleLeader && a.Role != policy.RoleGM {
		return text("台账和统计图由分管领导和总经理调阅，会发到领导群。"), nil
	}
	if s.publish == nil {
		return text("台账功能未启用。"), nil
	}
	var reply string
	var err error
	to := "" // asked in a group: the leaders' group; in their own chat: back to them (issue 17)
	if cmd.Private {
		to = a.ID
	}
	if cmd.Action == ActLedger {
		reply, err = s.publish.LedgerCommand(ctx, s.runner, cmd.Text, to)
	} else {
		reply, err = s.publish.StatsCommand(ctx, s.runner, cmd.Text, to)
	}
	return text(reply), err
}
