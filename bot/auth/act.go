package auth

import (
	"context"
	"strings"

	"tapline/bot"
	"tapline/bot/casework"
	"tapline/bot/policy"
	"tapline/models"
)

// StaffHandler runs one staff chat message (casework.Service).
type StaffHandler interface {
	Handle(ctx context.Context, u bot.Update) (bot.Reply, error)
}

// CommandRunner runs a typed staff command from the console or the API
// (casework.Service.Do): no chat text is built or parsed.
type CommandRunner interface {
	Do(ctx context.Context, staffID string, cmd casework.Command, private bool) (casework.Result, error)
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

// Actions takes lifecycle actions for a signed-in person as typed commands
// of the casework service, so the console and the API follow the chat's
// rules exactly (the same checks and builders) without a text round trip.
type Actions struct {
	staff  CommandRunner
	policy *policy.Policy
	cases  models.CaseService
	work   models.CaseworkService
}

// NewActions returns the action runner.
func NewActions(staff CommandRunner, p *policy.Policy, cases models.CaseService, work models.CaseworkService) *Actions {
	return &Actions{staff: staff, policy: p, cases: cases, work: work}
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
	if ActionWord(r.Action) == "" {
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
	cmd, err := a.command(ctx, c, r, text)
	if err != nil {
		return nil, err
	}
	res, err := a.staff.Do(ctx, st.ID, cmd, p.FullContact(a.policy, c))
	if err != nil {
		return nil, err
	}
	now, err := a.cases.FindCaseByNumber(ctx, c.Number)
	if err != nil {
		return nil, err
	}
	return &ActResult{Done: res.Done, Reply: res.Reply, Case: now}, nil
}

// command builds the typed command: number, version, department, text.
func (a *Actions) command(ctx context.Context, c *models.Case, r ActRequest, text string) (casework.Command, error) {
	cmd := casework.Command{Action: r.Action, Number: c.Number, Version: r.Version, Text: text}
	if (r.Action == casework.ActApprove || r.Action == casework.ActReject) && cmd.Version <= 0 {
		w, err := a.work.CaseWork(ctx, c.ID)
		if err != nil {
			return cmd, err
		}
		cmd.Version = w.MeasureVersion
	}
	if r.Action == casework.ActTransfer && r.Department != "" {
		d := a.policy.Department(r.Department)
		if d == nil {
			return cmd, models.Errorf(models.EINVALID, "没有“%s”这个部门。", r.Department)
		}
		cmd.Text = strings.TrimSpace(d.Name + " " + text)
	}
	return cmd, nil
}
