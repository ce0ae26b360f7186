package auth

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"tapline/bot"
	"tapline/bot/casework"
	"tapline/bot/policy"
	"tapline/models"
)

// StaffHandler runs one staff command (casework.Service).
type StaffHandler interface {
	Handle(ctx context.Context, u bot.Update) (bot.Reply, error)
}

// actionWords are the chat command words of the lifecycle actions the
// console and the API offer (bot/casework's table decides who may).
var actionWords = map[string]string{
	casework.ActAccept: "接单", casework.ActNote: "进展", casework.ActAsk: "问", casework.ActTransfer: "转派",
	casework.ActPropose: "措施", casework.ActUnfounded: "不属实", casework.ActApprove: "批准",
	casework.ActReject: "驳回", casework.ActResidentAccept: "居民接受", casework.ActResidentReject: "居民不接受",
	casework.ActDone: "完成", casework.ActConfirm: "确认", casework.ActClose: "结案",
	casework.ActCallback: "回访", casework.ActMajor: "重大", casework.ActAck: "已阅", casework.ActReport: "已上报住建",
}

// ActionOrder lists the lifecycle actions in the order they are offered.
var ActionOrder = []string{casework.ActAccept, casework.ActNote, casework.ActAsk, casework.ActTransfer,
	casework.ActPropose, casework.ActUnfounded, casework.ActApprove, casework.ActReject,
	casework.ActResidentAccept, casework.ActResidentReject, casework.ActDone, casework.ActConfirm, casework.ActClose,
	casework.ActCallback, casework.ActMajor, casework.ActAck, casework.ActReport}

// ActionWord returns the command word of an action, "" if it is none.
func ActionWord(action string) string { return actionWords[action] }

// MaxActionText bounds the text of a note, question, reason or measure.
const MaxActionText = 2000

// Actions takes lifecycle actions for a signed-in person by building the
// staff command they would type and handing it to the casework service, so
// the console and the API follow the chat's role rules exactly.
type Actions struct {
	staff  StaffHandler
	policy *policy.Policy
	cases  models.CaseService
	work   models.CaseworkService
	clock  func() time.Time
}

// NewActions returns the action runner.
func NewActions(staff StaffHandler, p *policy.Policy, cases models.CaseService, work models.CaseworkService, clock func() time.Time) *Actions {
	return &Actions{staff: staff, policy: p, cases: cases, work: work, clock: clock}
}

// ActRequest is one action on one case. Department is the transfer's
// target (key or name); Version the measure version an approval or a
// rejection is about (0: the current one).
type ActRequest struct {
	Number     string
	Action     string
	Text       string
	Department string
	Version    int
}

// ActResult is the outcome: Done when the transition was written; Reply is
// the casework service's answer (the refusal and why, when not Done).
type ActResult struct {
	Done  bool
	Reply string
	Case  *models.Case
}

// Do runs r for p. Returns EFORBIDDEN when p is not a roster person or may
// not see the case, EINVALID for an unknown action or an over-long text,
// ENOTFOUND for an unknown case. A refusal by the lifecycle rules is a
// result with Done false, not an error.
func (a *Actions) Do(ctx context.Context, p Principal, r ActRequest) (*ActResult, error) {
	st := a.policy.Staff(p.StaffID)
	if st == nil {
		return nil, models.Errorf(models.EFORBIDDEN, "办理投诉须以具体人员身份：这个令牌没有绑定花名册中的人员。")
	}
	word := actionWords[r.Action]
	if word == "" {
		return nil, models.Errorf(models.EINVALID, "没有这个操作：%q。可用的操作：%s。", r.Action, strings.Join(ActionOrder, ", "))
	}
	text := strings.TrimSpace(r.Text)
	if len([]rune(text)) > MaxActionText {
		return nil, models.Errorf(models.EINVALID, "说明太长：最多 %d 字。", MaxActionText)
	}
	c, err := a.cases.FindCaseByNumber(ctx, r.Number)
	if err != nil {
		return nil, err
	}
	if err := p.CanSee(a.policy, c); err != nil {
		return nil, err
	}
	cmd, err := a.command(ctx, c, word, r, text)
	if err != nil {
		return nil, err
	}
	return a.run(ctx, st, c, r.Action, cmd)
}

// command builds the chat command: number, word, version, department, text.
func (a *Actions) command(ctx context.Context, c *models.Case, word string, r ActRequest, text string) (string, error) {
	parts := []string{c.Number, word}
	if r.Action == casework.ActApprove || r.Action == casework.ActReject {
		v := r.Version
		if v <= 0 {
			w, err := a.work.CaseWork(ctx, c.ID)
			if err != nil {
				return "", err
			}
			v = w.MeasureVersion
		}
		parts = append(parts, fmt.Sprintf("v%d", v))
	}
	if r.Action == casework.ActTransfer && r.Department != "" {
		d := a.policy.Department(r.Department)
		if d == nil {
			return "", models.Errorf(models.EINVALID, "没有“%s”这个部门。", r.Department)
		}
		parts = append(parts, d.Name)
	}
	if text != "" {
		parts = append(parts, text)
	}
	return strings.Join(parts, " "), nil
}

// run hands the command to the casework service as the person's own 1:1
// message and tells from the timeline whether the transition was written.
func (a *Actions) run(ctx context.Context, st *policy.Staff, c *models.Case, action, cmd string) (*ActResult, error) {
	before, err := a.cases.CaseEvents(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	var last uint64
	if len(before) > 0 {
		last = before[len(before)-1].ID
	}
	u := bot.Update{Platform: bot.PlatformConsole, Kind: bot.KindText, SenderID: st.ID, ChatType: "single",
		MsgID: "console-" + RandomToken(9), Text: cmd, At: a.clock()}
	reply, err := a.staff.Handle(ctx, u)
	if err != nil {
		return nil, err
	}
	after, err := a.cases.CaseEvents(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	done := slices.ContainsFunc(after, func(ev *models.CaseEvent) bool {
		return ev.ID > last && ev.Actor == st.ID && (ev.Type == action ||
			(action == casework.ActCallback && ev.Type == "reopen")) // an unsatisfied call-back reopens the case
	})
	now, err := a.cases.FindCaseByNumber(ctx, c.Number)
	if err != nil {
		return nil, err
	}
	return &ActResult{Done: done, Reply: reply.Text, Case: now}, nil
}
