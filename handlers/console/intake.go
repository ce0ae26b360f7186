package console

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"tapline/bot/auth"
	"tapline/bot/intake"
	"tapline/models"
)

// intakeData is the intake form's data: the values typed so far and, when
// open cases look the same, those cases.
type intakeData struct {
	Form       map[string]string
	Key        string
	Sources    []option
	Categories []option
	Duplicates []*models.Case
	Allowed    bool
}

// intakeFields are the form's text fields.
var intakeFields = []string{"source", "category", "name", "phone", "address", "details", "expectation",
	"external_ref", "external_due", "outlet", "link"}

// intakeForm shows an empty intake form with a fresh idempotency key.
func (c *Console) intakeForm(ctx *gin.Context) {
	d := c.intakeData(ctx, map[string]string{"source": models.SourcePhone}, auth.RandomToken(12))
	c.render(ctx, http.StatusOK, "intake", &view{Title: "登记投诉", Data: d})
}

func (c *Console) intakeData(ctx *gin.Context, form map[string]string, key string) intakeData {
	p := principalOf(ctx)
	d := intakeData{Form: form, Key: key, Categories: c.categoryOptions(),
		Allowed: p.Department == intake.DeptHotline || p.Department == intake.DeptOffice}
	for _, s := range intake.StaffSources {
		d.Sources = append(d.Sources, option{Value: s, Label: intake.SourceName(s)})
	}
	return d
}

// fileIntake files the form (policy 4.1.4 validation; duplicates shown
// for confirmation; government and media to the office, policy 3.2).
func (c *Console) fileIntake(ctx *gin.Context) {
	form := map[string]string{}
	for _, f := range intakeFields {
		form[f] = strings.TrimSpace(ctx.PostForm(f))
	}
	key := ctx.PostForm("key")
	if len(key) < 8 || len(key) > 40 {
		key = auth.RandomToken(12)
	}
	sc := intake.StaffCase{Source: form["source"], Category: form["category"], Name: form["name"],
		Phone: form["phone"], Address: form["address"], Details: form["details"], Expectation: form["expectation"],
		ExternalRef: form["external_ref"], Outlet: form["outlet"], Link: form["link"], Key: key,
		Confirm: ctx.PostForm("confirm") == "1"}
	if v := form["external_due"]; v != "" {
		t, err := time.ParseInLocation("2006-01-02T15:04", v, cst)
		if err != nil {
			c.intakeAgain(ctx, form, key, "转办期限的格式不对。", nil)
			return
		}
		sc.ExternalDue = &t
	}
	res, err := c.desk.File(ctx.Request.Context(), principalOf(ctx), auth.ChannelConsole, sc)
	switch {
	case models.ErrorCode(err) == models.EINVALID:
		c.intakeAgain(ctx, form, key, models.ErrorMessage(err), nil)
	case err != nil:
		c.fail(ctx, err)
	case res.Case == nil:
		c.intakeAgain(ctx, form, key, "", res.Duplicates)
	default:
		c.redirectFlash(ctx, Base+"/cases/"+url.PathEscape(res.Case.Number),
			"已登记投诉 "+res.Case.Number+"，已派给"+c.deptName(res.Case.Department)+"。")
	}
}

// intakeAgain shows the form again with what was typed, the problem or
// the possible duplicates.
func (c *Console) intakeAgain(ctx *gin.Context, form map[string]string, key, msg string, dups []*models.Case) {
	d := c.intakeData(ctx, form, key)
	for _, dup := range dups {
		d.Duplicates = append(d.Duplicates, auth.Mask(dup))
	}
	status := http.StatusBadRequest
	if len(dups) > 0 {
		status = http.StatusConflict
	}
	c.render(ctx, status, "intake", &view{Title: "登记投诉", Error: msg, Data: d})
}

// dashboardData is the dashboard's data.
type dashboardData struct {
	*auth.Dashboard
	Since, Until string
}

// dashboard shows the counts of the last 30 days (or the dates asked).
func (c *Console) dashboard(ctx *gin.Context) {
	now := c.now().In(cst)
	until := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, cst).AddDate(0, 0, 1)
	since := until.AddDate(0, 0, -30)
	if v := ctx.Query("since"); v != "" {
		t, err := time.ParseInLocation("2006-01-02", v, cst)
		if err != nil {
			c.fail(ctx, models.Errorf(models.EINVALID, "日期格式应为 2026-11-27：%q", v))
			return
		}
		since = t
	}
	d, err := c.desk.Dashboard(ctx.Request.Context(), principalOf(ctx), since, until)
	if err != nil {
		c.fail(ctx, err)
		return
	}
	c.render(ctx, http.StatusOK, "dashboard", &view{Title: "统计", Data: dashboardData{Dashboard: d,
		Since: since.Format("2006-01-02"), Until: until.AddDate(0, 0, -1).Format("2006-01-02")}})
}
