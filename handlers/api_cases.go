package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"tapline/bot/auth"
	"tapline/bot/intake"
	"tapline/models"
)

// registerAPIRoutes adds the issue 6 routes: the caller, staff intake,
// lifecycle actions, the record of personal data reads, the dashboard
// counts and, for the admin token, API tokens and event subscriptions.
// Every route needs Desk; POSTs honour Idempotency-Key.
func (s *Server) registerAPIRoutes(g *gin.RouterGroup) {
	needDesk := func(c *gin.Context) {
		if s.Desk == nil {
			s.fail(c, models.Errorf(models.EUNAVAILABLE, "sign-in is not configured"))
			return
		}
		c.Next()
	}
	d := g.Group("", needDesk)
	d.GET("/me", s.handleMe)
	d.POST("/cases", s.idempotent, s.handleCreateCase)
	d.POST("/cases/:number/actions/:action", s.idempotent, s.handleAction)
	d.GET("/cases/:number/reads", s.handleCaseReads)
	d.GET("/dashboard", s.handleDashboard)
	admin := d.Group("", s.adminOnly)
	s.registerTokenRoutes(admin)
	s.registerWebhookRoutes(admin)
}

// caseFilter reads the list filters: status (one, a comma list or "open"),
// department, category, source, major, phone, q (part of the number,
// address or phone), since and until (YYYY-MM-DD or RFC 3339), overdue,
// and the page: cursor, limit.
func (s *Server) caseFilter(c *gin.Context) (models.CaseFilter, error) {
	f := models.CaseFilter{Department: c.Query("department"), Phone: c.Query("phone"),
		Category: c.Query("category"), Source: c.Query("source"), Query: strings.TrimSpace(c.Query("q"))}
	if err := statusFilter(&f, c.Query("status")); err != nil {
		return f, err
	}
	var err error
	if f.Since, err = timeParam(c, "since"); err != nil {
		return f, err
	}
	if f.Until, err = timeParam(c, "until"); err != nil {
		return f, err
	}
	if f.Major, err = boolParam(c, "major"); err != nil {
		return f, err
	}
	overdue, err := boolParam(c, "overdue")
	if err != nil {
		return f, err
	}
	if overdue != nil && *overdue {
		now := s.Clock.Now()
		f.OverdueAt, f.Statuses = &now, models.OpenStatuses
	}
	if len([]rune(f.Query)) > 64 {
		return f, invalid("q", "最多 64 个字")
	}
	f.After, f.Limit, err = page(c)
	return f, err
}

// statusFilter reads ?status=: one status, a comma list, or "open".
func statusFilter(f *models.CaseFilter, st string) error {
	if st == "" {
		return nil
	}
	if st == "open" {
		f.Statuses = models.OpenStatuses
		return nil
	}
	list := strings.Split(st, ",")
	for _, v := range list {
		if !isStatus(v) {
			return invalid("status", "没有“"+v+"”这个状态；可用："+strings.Join(Statuses(), ", ")+" 或 open")
		}
	}
	if len(list) == 1 {
		f.Status = st
	} else {
		f.Statuses = list
	}
	return nil
}

func timeParam(c *gin.Context, name string) (*time.Time, error) {
	v := c.Query(name)
	if v == "" {
		return nil, nil
	}
	t, err := parseSince(v)
	if err != nil {
		return nil, invalid(name, "“"+v+"”不是日期（YYYY-MM-DD）或 RFC 3339 时间")
	}
	return &t, nil
}

func boolParam(c *gin.Context, name string) (*bool, error) {
	v := c.Query(name)
	if v == "" {
		return nil, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return nil, invalid(name, "“"+v+"”须为 true 或 false")
	}
	return &b, nil
}

// handleCaseDetail returns one case with its timeline, work, measures,
// approvals and staff photos, as the caller may see it; its ETag is the
// case version (If-Match on actions).
func (s *Server) handleCaseDetail(c *gin.Context) {
	d, err := s.Desk.Guard.Case(c.Request.Context(), principal(c), c.Param("number"), auth.ChannelAPI)
	if err != nil {
		s.fail(c, err)
		return
	}
	setVersion(c, d.Case.Version)
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, newCaseDetailJSON(d))
}

// setVersion sets the ETag of a case: its version, quoted.
func setVersion(c *gin.Context, v int) { c.Header("ETag", `"`+strconv.Itoa(v)+`"`) }

// handleMe tells the caller who they are signed in as.
func (s *Server) handleMe(c *gin.Context) {
	p := principal(c)
	c.JSON(http.StatusOK, gin.H{"staff_id": p.StaffID, "name": p.Name, "role": p.Role,
		"department": p.Department, "via": p.Via, "sees_all": p.SeesAll()})
}

// newCaseBody is the staff intake request (PRODUCT A6).
type newCaseBody struct {
	Source      string     `json:"source"`
	Category    string     `json:"category"`
	Name        string     `json:"name"`
	Address     string     `json:"address"`
	Phone       string     `json:"phone"`
	Details     string     `json:"details"`
	Expectation string     `json:"expectation"`
	ExternalRef string     `json:"external_ref"`
	ExternalDue *time.Time `json:"external_due"`
	Outlet      string     `json:"outlet"`
	Link        string     `json:"link"`
	Confirm     bool       `json:"confirm"`
}

// filedJSON is the answer of a filing.
type filedJSON struct {
	Case    caseJSON `json:"case"`
	Created bool     `json:"created"`
}

// handleCreateCase files a complaint taken at the desk: 201 with the case,
// 200 when this Idempotency-Key filed it before, 409 (problem
// "duplicates") listing open cases of the same phone or address unless
// confirm is true.
func (s *Server) handleCreateCase(c *gin.Context) {
	var b newCaseBody
	if err := decodeBody(c, &b, false); err != nil {
		s.fail(c, err)
		return
	}
	sc := intake.StaffCase{Source: b.Source, Category: b.Category, Name: b.Name, Address: b.Address, Phone: b.Phone,
		Details: b.Details, Expectation: b.Expectation, ExternalRef: b.ExternalRef, ExternalDue: b.ExternalDue,
		Outlet: b.Outlet, Link: b.Link, Key: idempotencyKey(c), Confirm: b.Confirm}
	p := principal(c)
	res, err := s.Desk.File(c.Request.Context(), p, auth.ChannelAPI, sc)
	switch {
	case err != nil:
		s.fail(c, err)
	case res.Case == nil:
		pr := newProblem(c, probDuplicates, "已有同一电话或地址的未结投诉；确认不是重复投诉后，请带 confirm=true 再提交。")
		for _, d := range res.Duplicates {
			pr.Duplicates = append(pr.Duplicates, s.caseFor(p, d))
		}
		writeProblem(c, pr)
	default:
		status := http.StatusOK
		if res.Created {
			status = http.StatusCreated
		}
		c.Header("Location", "/api/v1/cases/"+res.Case.Number)
		setVersion(c, res.Case.Version)
		c.JSON(status, filedJSON{Case: s.caseFor(p, res.Case), Created: res.Created})
	}
}

// caseFor shows c to p: masked unless p sees its contact details.
func (s *Server) caseFor(p auth.Principal, c *models.Case) caseJSON {
	if p.FullContact(s.Desk.Policy, c) {
		return newCaseJSON(c, true)
	}
	return newCaseJSON(auth.Mask(c), false)
}

// actionBody is a lifecycle action's input.
type actionBody struct {
	Text       string `json:"text"`
	Department string `json:"department"`
	Version    int    `json:"measure_version"`
}

// actionJSON is the answer of a lifecycle action taken.
type actionJSON struct {
	Done  bool     `json:"done"`
	Reply string   `json:"reply"`
	Case  caseJSON `json:"case"`
}

// handleAction takes a lifecycle action as the signed-in person, with the
// chat's role rules: 200 when done, 409 (problem "refused") with the
// reason when the lifecycle refuses it, 412 when If-Match names another
// case version than the current one.
func (s *Server) handleAction(c *gin.Context) {
	var b actionBody
	if err := decodeBody(c, &b, true); err != nil {
		s.fail(c, err)
		return
	}
	ctx, err := s.precondition(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	res, err := s.Desk.Actions.Do(ctx, principal(c), auth.ActRequest{Number: c.Param("number"),
		Action: c.Param("action"), Text: b.Text, Department: b.Department, Version: b.Version})
	switch {
	case err != nil:
		s.fail(c, err)
	case !res.Done:
		answer(c, probRefused, res.Reply)
	default:
		setVersion(c, res.Case.Version)
		c.JSON(http.StatusOK, actionJSON{Done: true, Reply: res.Reply, Case: s.caseFor(principal(c), res.Case)})
	}
}

// caseReadsJSON is the record of full reads of a case.
type caseReadsJSON struct {
	Reads []readJSON `json:"reads"`
}

// handleCaseReads lists who read the case's personal data in full.
func (s *Server) handleCaseReads(c *gin.Context) {
	reads, err := s.Desk.Guard.Reads(c.Request.Context(), principal(c), c.Param("number"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, caseReadsJSON{Reads: readsJSON(reads)})
}

// handleDashboard counts the cases the caller may see created in [since,
// until) (default: the last 30 days), and the open and overdue ones now.
func (s *Server) handleDashboard(c *gin.Context) {
	now := s.Clock.Now()
	since, until := now.AddDate(0, 0, -30), now
	if t, err := timeParam(c, "since"); err != nil {
		s.fail(c, err)
		return
	} else if t != nil {
		since = *t
	}
	if t, err := timeParam(c, "until"); err != nil {
		s.fail(c, err)
		return
	} else if t != nil {
		until = *t
	}
	d, err := s.Desk.Dashboard(c.Request.Context(), principal(c), since, until)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"since": stamp(since), "until": stamp(until), "total": d.Total, "open": d.Open,
		"overdue": d.Overdue, "major": d.Major, "by_status": d.ByStatus, "by_department": d.ByDepartment,
		"by_category": d.ByCategory, "by_source": d.BySource})
}
