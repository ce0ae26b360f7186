package console

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"tapline/bot/auth"
	"tapline/bot/dialog"
	"tapline/bot/notify"
	"tapline/bot/policy"
	"tapline/bot/remind"
	"tapline/models"
)

// Records is what the console reads and writes beside the desk: a case by
// number, the corrections of its record and its stage deadlines.
type Records interface {
	models.CorrectionService
	FindCaseByNumber(ctx context.Context, number string) (*models.Case, error)
	CaseDeadlines(ctx context.Context, caseID uint64) ([]*models.Deadline, error)
}

// WithRecords sets the store of corrections and deadlines; without it the
// console uses the desk's Counter when that is such a store.
func WithRecords(r Records) Option { return func(c *Console) { c.records = r } }

// fieldNames name the correctable fields as the form and the timeline do.
var fieldNames = map[string]string{models.CorrectName: "姓名", models.CorrectPhone: "电话", models.CorrectAddress: "地址"}

// fieldOptions are the choices of the correction form.
func fieldOptions() []option {
	out := make([]option, len(models.CorrectFields))
	for i, f := range models.CorrectFields {
		out[i] = option{Value: f, Label: fieldNames[f]}
	}
	return out
}

// mayCorrect reports whether p may correct a record: the hotline, which
// records complaints (policy 3.1, 4.1.4), and the admin.
func mayCorrect(p auth.Principal) bool {
	return p.Role == auth.RoleAdmin || p.Department == policy.DeptHotline
}

// correct sets one field of the record (policy 4.1.1: the record must be
// accurate), validated as intake validates it; the store keeps the old
// value and the timeline shows the change masked.
func (c *Console) correct(ctx *gin.Context) {
	p, number := principalOf(ctx), ctx.Param("number")
	if !mayCorrect(p) {
		c.fail(ctx, models.Errorf(models.EFORBIDDEN, "只有供水服务热线可以更正投诉记录。"))
		return
	}
	if c.records == nil {
		c.fail(ctx, models.Errorf(models.EUNAVAILABLE, "更正记录未启用。"))
		return
	}
	cs, err := c.records.FindCaseByNumber(ctx.Request.Context(), number)
	if err == nil {
		err = p.CanSee(c.desk.Policy, cs)
	}
	if err != nil {
		c.fail(ctx, err)
		return
	}
	cc, err := correction(ctx.PostForm("field"), ctx.PostForm("value"))
	if err != nil {
		c.fail(ctx, err)
		return
	}
	cc.CaseID = cs.ID
	cc.Version, _ = strconv.Atoi(ctx.PostForm("case_version"))
	cc.Event = models.CaseEvent{Actor: p.Reader(), Role: p.Role, Channel: auth.ChannelConsole}
	cc.Describe = correctionLine // the event shows it masked; the full values stay in the correction row
	_, fix, err := c.records.CorrectCase(ctx.Request.Context(), cc)
	if models.ErrorCode(err) == models.ECONFLICT {
		err = models.Errorf(models.ECONFLICT, "投诉记录刚被他人修改过，没有更正。请返回投诉页面刷新后再试。")
	}
	if err != nil {
		c.fail(ctx, err)
		return
	}
	c.redirectFlash(ctx, Base+"/cases/"+url.PathEscape(number), "已"+correctionLine(*fix))
}

// correction validates the new value with intake's rules (the dialog's
// validators, policy 4.1.4) and builds the request.
func correction(field, value string) (*models.CaseCorrection, error) {
	var v string
	var ok bool
	switch field {
	case models.CorrectName:
		v, ok = dialog.ValidateName(value)
	case models.CorrectPhone:
		v, ok = dialog.ValidatePhone(value)
	case models.CorrectAddress:
		v, ok = dialog.ValidateAddress(value)
	default:
		return nil, models.Errorf(models.EINVALID, "只能更正姓名、电话或地址。")
	}
	if !ok {
		reason := map[string]string{models.CorrectName: "请填写居民姓名（2–20 个字，不含数字）",
			models.CorrectPhone: "请填写有效的联系电话（手机或座机）", models.CorrectAddress: "请填写详细地址（如 幸福路12号3栋）"}[field]
		return nil, models.Invalid(models.FieldError{Field: field, Reason: reason})
	}
	cc := &models.CaseCorrection{Field: field, Value: v}
	if field == models.CorrectAddress {
		cc.AreaKey = remind.AreaKey(v) // as intake keys a filed address
	}
	return cc, nil
}

// correctionLine is a correction as the timeline shows it, personal data
// masked as lists and cards mask it: "更正电话：138****1234 → 139****5678".
func correctionLine(fix models.Correction) string {
	mask := map[string]func(string) string{models.CorrectName: models.MaskName, models.CorrectPhone: models.MaskPhone,
		models.CorrectAddress: notify.MaskAddress}[fix.Field]
	name := fieldNames[fix.Field]
	if mask == nil {
		mask, name = func(string) string { return "" }, "记录"
	}
	old := mask(fix.Old)
	if strings.TrimSpace(old) == "" {
		old = "（空）"
	}
	return "更正" + name + "：" + old + " → " + mask(fix.New)
}
