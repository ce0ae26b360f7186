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

// ActionOrder lists the lifecycle actions in the order they are offered:
// casework's command registry, the one list chat help, the console and the
// API's Action enum follow.
var ActionOrder = actionOrder()

func actionOrder() []string {
	var out []string
	for _, sp := range casework.Transitions() {
		out = append(out, sp.Action)
	}
	return out
}

// ActionWord returns the command word of a lifecycle action, "" if it is
// none.
func ActionWord(action string) string {
	if sp, ok := casework.SpecOf(action); ok && sp.Rule != nil {
		return sp.Name()
	}
	return ""
}

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
	word := ActionWord(r.Action)
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
