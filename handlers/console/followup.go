package console

import (
	"context"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"tapline/bot"
	"tapline/bot/address"
	"tapline/bot/auth"
	"tapline/bot/intake"
	"tapline/models"
)

// followUpRunes bounds the call's text on the department's message.
const followUpRunes = 200

// followUp adds the call being taken at intake to an open case the
// duplicate check found, instead of filing a new one (issue 14): a
// supplement event on the case's timeline (contact data masked), a
// message to the department's group and, when the case has a WeChat
// resident, a message telling them, through the outbox in the same
// transaction. A refusal shows the form again with what was typed.
func (c *Console) followUp(ctx *gin.Context) {
	p := principalOf(ctx)
	form := map[string]string{}
	for _, f := range intakeFields {
		form[f] = strings.TrimSpace(ctx.PostForm(f))
	}
	key, number := ctx.PostForm("key"), ctx.PostForm("case")
	if p.Department != intake.DeptHotline && p.Department != intake.DeptOffice {
		c.fail(ctx, models.Errorf(models.EFORBIDDEN, "只有供水服务热线和公司办公室可以登记投诉。"))
		return
	}
	if c.queue == nil || c.records == nil {
		c.fail(ctx, models.Errorf(models.EUNAVAILABLE, "补充到已有投诉未启用，请点击“仍然登记”。"))
		return
	}
	cs, err := c.followUpCase(ctx.Request.Context(), p, number, form["details"])
	if err == nil {
		err = c.addFollowUp(ctx.Request.Context(), p, cs, form)
	}
	switch {
	case models.ErrorCode(err) == models.EINVALID || models.ErrorCode(err) == models.ENOTFOUND:
		c.intakeAgain(ctx, form, key, models.ErrorMessage(err), nil)
	case err != nil:
		c.fail(ctx, err)
	default:
		msg := "已把这次来电补充到投诉 " + cs.Number + "，并告知" + c.deptName(cs.Department)
		if cs.ResidentID != "" {
			msg += "和居民"
		}
		c.redirectFlash(ctx, Base+"/cases/"+url.PathEscape(cs.Number), msg+"。")
	}
}

// followUpCase finds the open case p adds a call to.
func (c *Console) followUpCase(ctx context.Context, p auth.Principal, number, details string) (*models.Case, error) {
	if details == "" {
		return nil, models.Errorf(models.EINVALID, "请填写投诉内容：补充到已有投诉的是这次来电说的情况。")
	}
	cs, err := c.records.FindCaseByNumber(ctx, number)
	if err != nil {
		return nil, err
	}
	if err := p.CanSee(c.desk.Policy, cs); err != nil {
		return nil, err
	}
	if !slices.Contains(models.OpenStatuses, cs.Status) {
		return nil, models.Errorf(models.EINVALID, "投诉 %s 已结案，不能再补充；如是新的情况请登记为新投诉。", cs.Number)
	}
	return cs, nil
}

// addFollowUp writes the event and the messages of a further call.
func (c *Console) addFollowUp(ctx context.Context, p auth.Principal, cs *models.Case, form map[string]string) error {
	text := intake.SourceName(form["source"]) + "再次反映：" + form["details"]
	if e := form["expectation"]; e != "" && e != "无" {
		text += "；期望：" + e
	}
	if ph := form["phone"]; ph != "" && ph != cs.Phone {
		text += "；来电号码 " + models.MaskPhone(ph) // timelines carry no contact data in full
	}
	ev := models.CaseEvent{Type: "supplemented", Actor: p.Reader(), Role: p.Role, Channel: auth.ChannelConsole,
		FromStatus: cs.Status, ToStatus: cs.Status, Text: text}
	rows, err := address.Rows(cs.ID, address.Book{Policy: c.desk.Policy}.Dept(cs.Department),
		bot.Message{Text: "投诉 " + cs.Number + " 的居民再次来电：" + clip(form["details"], followUpRunes)})
	if err != nil {
		return err
	}
	if cs.ResidentID != "" {
		told, err := address.Rows(cs.ID, []address.Dest{{Channel: c.resident, Target: cs.ResidentID, Audience: "resident"}},
			bot.Message{Text: "您好，您的投诉 " + cs.Number + " 已收到您再次反映的情况，已转给" + c.deptName(cs.Department) +
				"一并处理，我们会尽快回复您。"})
		if err != nil {
			return err
		}
		rows = append(rows, told...)
	}
	_, err = c.queue.AddFollowUp(ctx, cs.ID, ev, rows) // the reconciler hands the rows to the worker
	return err
}

// clip shortens s to n runes with an ellipsis.
func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
