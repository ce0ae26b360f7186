package console

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"tapline/bot/auth"
	"tapline/bot/report"
	"tapline/models"
)

// WithReports shows the charts and the ledger download (policy 4.4.1).
func WithReports(r *report.Service) Option { return func(c *Console) { c.reports = r } }

// reportsData is the reports page's data.
type reportsData struct {
	Month  string
	Charts []chartLink
}

// chartLink is one chart image of the month: its key (the anchor), its
// name, the PNG's address (shown at its own size, opened full size on
// click) and a note saying what its figures are based on.
type chartLink struct{ Key, Name, URL, Note string }

// chartTitles are the charts as the page names them.
var chartTitles = map[string]string{
	report.ChartCategory: "按类别", report.ChartDepartment: "按部门", report.ChartTrend: "近12个月趋势",
	report.ChartOnTime: "各部门按时率", report.ChartSatisfaction: "满意度", report.ChartSource: "来源渠道",
	report.ChartScorecard: "部门考核",
}

// reportsAllowed refuses people who see one department only: the ledger
// and the charts cover every department (policy 4.4.2: leaders supervise).
func (c *Console) reportsAllowed(ctx *gin.Context) (auth.Principal, bool) {
	p := principalOf(ctx)
	switch {
	case c.reports == nil:
		c.fail(ctx, models.Errorf(models.EUNAVAILABLE, "台账与统计未启用。"))
		return p, false
	case !p.SeesAll():
		c.fail(ctx, models.Errorf(models.EFORBIDDEN, "台账和统计图覆盖全部部门，只供热线、公司办公室和领导查看；您属于%s。", p.Department))
		return p, false
	}
	return p, true
}

// month reads ?month= (this month when absent).
func (c *Console) month(ctx *gin.Context) (report.Month, bool) {
	v := ctx.Query("month")
	if v == "" {
		return report.MonthOf(c.now()), true
	}
	m, err := report.ParseMonth(v, c.now())
	if err != nil {
		c.fail(ctx, err)
		return m, false
	}
	return m, true
}

// reportsPage shows the month's charts and the ledger download.
func (c *Console) reportsPage(ctx *gin.Context) {
	if _, ok := c.reportsAllowed(ctx); !ok {
		return
	}
	m, ok := c.month(ctx)
	if !ok {
		return
	}
	basis, err := c.reports.Satisfaction(ctx.Request.Context(), m)
	if err != nil {
		c.fail(ctx, err)
		return
	}
	notes := map[string]string{report.ChartSatisfaction: basis.String(),
		report.ChartScorecard: fmt.Sprintf("回访满意率基于接通的 %d 次回访；「—」表示该部门本月没有可计算的数据", basis.Reached),
		report.ChartOnTime:    "「—」表示该部门本月没有到期的阶段"}
	d := reportsData{Month: m.String()}
	for _, name := range report.ChartNames {
		d.Charts = append(d.Charts, chartLink{Key: name, Name: chartTitles[name], Note: notes[name],
			URL: Base + "/reports/charts/" + name + "?month=" + url.QueryEscape(m.String())})
	}
	c.render(ctx, http.StatusOK, "reports", &view{Title: m.Title() + "统计", Data: d})
}

// chart serves one chart as PNG.
func (c *Console) chart(ctx *gin.Context) {
	if _, ok := c.reportsAllowed(ctx); !ok {
		return
	}
	m, ok := c.month(ctx)
	if !ok {
		return
	}
	png, err := c.reports.Chart(ctx.Request.Context(), ctx.Param("name"), m)
	if err != nil {
		c.fail(ctx, err)
		return
	}
	ctx.Data(http.StatusOK, "image/png", png)
}

// ledger downloads the month's workbook. Contacts are masked: the full
// contact list of a month is for the admin API only.
func (c *Console) ledger(ctx *gin.Context) {
	if _, ok := c.reportsAllowed(ctx); !ok {
		return
	}
	m, ok := c.month(ctx)
	if !ok {
		return
	}
	var b bytes.Buffer
	if err := c.reports.Ledger(ctx.Request.Context(), m, &b, report.LedgerOptions{}); err != nil {
		c.fail(ctx, err)
		return
	}
	ctx.Header("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape("投诉台账-"+m.String()+".xlsx"))
	ctx.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b.Bytes())
}
