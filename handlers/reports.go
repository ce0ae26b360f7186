package handlers

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"tapline/bot/auth"
	"tapline/bot/report"
	"tapline/models"
)

// xlsxType is the content type of an Excel workbook.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// reportRoutes serves the reports of one report.Service.
type reportRoutes struct {
	s   *Server
	svc *report.Service
}

// registerReportRoutes adds the issue 5 routes under g (which must
// authenticate): the monthly ledger, the charts and the department
// scorecard, for those who see every department (leaders, the GM, the
// hotline, the office, the admin token). ?month=YYYY-MM, default the
// previous month. A nil svc answers 503.
func (s *Server) registerReportRoutes(g *gin.RouterGroup, svc *report.Service) {
	h := &reportRoutes{s: s, svc: svc}
	r := g.Group("/reports", h.access)
	r.GET("/ledger", h.handleLedger)
	r.GET("/charts/:name", h.handleChart)
	r.GET("/scorecard", h.handleScorecard)
}

// access keeps the reports to those who see every department: the
// ledger and the scorecard compare departments (policy 4.4.2, 6).
func (h *reportRoutes) access(c *gin.Context) {
	s := h.s
	if h.svc == nil {
		s.fail(c, models.Errorf(models.EUNAVAILABLE, "reports are not configured"))
		return
	}
	if !principal(c).SeesAll() {
		s.fail(c, models.Errorf(models.EFORBIDDEN, "台账和统计只对分管领导、总经理、热线和办公室开放。"))
		return
	}
	c.Next()
}

// month reads ?month=, the previous month when absent.
func (h *reportRoutes) month(c *gin.Context) (report.Month, bool) {
	text := c.Query("month")
	if text == "" {
		return report.MonthOf(h.s.Clock.Now()).Add(-1), true
	}
	m, err := report.ParseMonth(text, h.s.Clock.Now())
	if err != nil {
		h.s.fail(c, err)
		return m, false
	}
	return m, true
}

// handleLedger sends the month's ledger workbook. Residents' names and
// phones are masked unless ?contacts=true and the caller is one who
// contacts residents for every department (hotline, office, admin token).
func (h *reportRoutes) handleLedger(c *gin.Context) {
	s := h.s
	m, ok := h.month(c)
	if !ok {
		return
	}
	contacts, err := boolParam(c, "contacts")
	if err != nil {
		s.fail(c, err)
		return
	}
	opt, err := h.ledgerOptions(c, m, contacts != nil && *contacts)
	if err != nil {
		s.fail(c, err)
		return
	}
	var buf bytes.Buffer // a failure answers JSON, never half a workbook
	if err := h.svc.Ledger(c.Request.Context(), m, &buf, opt); err != nil {
		s.fail(c, err)
		return
	}
	name := "投诉台账-" + m.String() + ".xlsx"
	c.Header("Content-Disposition", `attachment; filename="ledger-`+m.String()+`.xlsx"; filename*=UTF-8''`+url.PathEscape(name))
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, xlsxType, buf.Bytes())
}

// ledgerOptions are the options of a ledger download: with contacts, for
// those who contact residents for every department (hotline, office,
// admin token) only, each case recorded as read in full before the
// workbook leaves (no record kept, no contacts).
func (h *reportRoutes) ledgerOptions(c *gin.Context, m report.Month, contacts bool) (report.LedgerOptions, error) {
	if !contacts {
		return report.LedgerOptions{}, nil
	}
	p := principal(c)
	if p.Role != auth.RoleAdmin && p.Department != auth.DeptHotline && p.Department != auth.DeptOffice {
		return report.LedgerOptions{}, models.Errorf(models.EFORBIDDEN, "居民联系方式只对热线、办公室和管理员显示；请去掉 contacts=true。")
	}
	if h.s.Desk == nil || h.s.Desk.Guard == nil {
		return report.LedgerOptions{}, models.Errorf(models.EUNAVAILABLE, "无法记录个人信息查阅，暂不提供含联系方式的台账；请去掉 contacts=true。")
	}
	guard, purpose := h.s.Desk.Guard, "ledger "+m.String()
	return report.LedgerOptions{Contacts: true, Shown: func(ctx context.Context, cases []*models.Case) error {
		return guard.RecordExport(ctx, p, auth.ChannelAPI, purpose, cases)
	}}, nil
}

// handleChart sends one chart of the month as a PNG image.
func (h *reportRoutes) handleChart(c *gin.Context) {
	s := h.s
	m, ok := h.month(c)
	if !ok {
		return
	}
	png, err := h.svc.Chart(c.Request.Context(), c.Param("name"), m)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Cache-Control", "private, max-age=60")
	c.Header("Content-Length", strconv.Itoa(len(png)))
	c.Data(http.StatusOK, "image/png", png)
}

// handleScorecard answers the month's department scorecard as JSON.
func (h *reportRoutes) handleScorecard(c *gin.Context) {
	s := h.s
	m, ok := h.month(c)
	if !ok {
		return
	}
	scores, err := h.svc.Scorecard(c.Request.Context(), m)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"month": m.String(), "departments": scores})
}
