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
// counts and, for the admin token, API tokens. Every route needs Desk.
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
	d.POST("/cases", s.handleCreateCase)
	d.POST("/cases/:number/actions/:action", s.handleAction)
	d.GET("/cases/:number/reads", s.handleCaseReads)
	d.GET("/dashboard", s.handleDashboard)
	s.registerTokenRoutes(d.Group("", s.adminOnly))
}

// caseFilter reads the list filters: status (one, a comma list or "open"),
// department, category, source, major, phone, q (part of the number,
// address or phone), since and until (YYYY-MM-DD or RFC 3339), overdue,
// offset, limit.
func (s *Server) caseFilter(c *gin.Context) (models.CaseFilter, error) {
	f := models.CaseFilter{Department: c.Query("department"), Phone: c.Query("phone"),
		Category: c.Query("category"), Source: c.Query("source"), Query: strings.TrimSpace(c.Query("q"))}
	switch st := c.Query("status"); {
	case st == "open":
		f.Statuses = models.OpenStatuses
	case strings.Contains(st, ","):
		f.Statuses = strings.Split(st, ",")
	default:
		f.Status = st
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
		return f, models.Errorf(models.EINVALID, "q: at most 64 characters")
	}
	f.Offset, f.Limit, err = paging(c)
	return f, err
}

func timeParam(c *gin.Context, name string) (*time.Time, error) {
	v := c.Query(name)
	if v == "" {
		return nil, nil
	}
	t, err := parseSince(v)
	if err != nil {
		return nil, models.Errorf(models.EINVALID, "%s: %q is not a date (YYYY-MM-DD) or RFC 3339 time", name, v)
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
		return nil, models.Errorf(models.EINVALID, "%s: %q is not true or false", name, v)
	}
	return &b, nil
}

// handleCaseDetail returns one case with its timeline, work row, measures,
// approvals, attachments and staff photos, as the caller may see it.
func (s *Server) handleCaseDetail(c *gin.Context) {
	d, err := s.Desk.Guard.Case(c.Request.Context(), principal(c), c.Param("number"), auth.ChannelAPI)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, gin.H{"case": d.Case, "events": d.Events, "work": d.Work, "measures": d.Measures,
		"approvals": d.Approvals, "attachments": d.Attachments, "photos": d.Photos, "full_contact": d.Full})
}

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
	Key         string     `json:"key"`
	Confirm     bool       `json:"confirm"`
}

// handleCreateCase files a complaint taken at the desk: 201 with the case,
// 200 when the key was filed before, 409 listing open cases of the same
// phone or address unless confirm is true.
func (s *Server) handleCreateCase(c *gin.Context) {
	var b newCaseBody
	if err := c.ShouldBindJSON(&b); err != nil {
		s.fail(c, models.Errorf(models.EINVALID, "body: %v", err))
		return
	}
	if len(b.Key) > 80 {
		s.fail(c, models.Errorf(models.EINVALID, "key: at most 80 characters"))
		return
	}
	sc := intake.StaffCase{Source: b.Source, Category: b.Category, Name: b.Name, Address: b.Address, Phone: b.Phone,
		Details: b.Details, Expectation: b.Expectation, ExternalRef: b.ExternalRef, ExternalDue: b.ExternalDue,
		Outlet: b.Outlet, Link: b.Link, Key: b.Key, Confirm: b.Confirm}
	res, err := s.Desk.File(c.Request.Context(), principal(c), auth.ChannelAPI, sc)
	switch {
	case err != nil:
		s.fail(c, err)
	case res.Case == nil:
		c.JSON(http.StatusConflict, gin.H{"code": "duplicates", "duplicates": res.Duplicates,
			"error": "open cases with the same phone or address exist; send confirm=true to file anyway"})
	case res.Created:
		c.JSON(http.StatusCreated, gin.H{"case": res.Case, "created": true})
	default:
		c.JSON(http.StatusOK, gin.H{"case": res.Case, "created": false})
	}
}

// actionBody is a lifecycle action's input.
type actionBody struct {
	Text       string `json:"text"`
	Department string `json:"department"`
	Version    int    `json:"version"`
}

// handleAction takes a lifecycle action as the signed-in person, with the
// chat's role rules: 200 when done, 409 with the reason when refused.
func (s *Server) handleAction(c *gin.Context) {
	var b actionBody
	if c.Request.ContentLength != 0 {
		if err := c.ShouldBindJSON(&b); err != nil {
			s.fail(c, models.Errorf(models.EINVALID, "body: %v", err))
			return
		}
	}
	res, err := s.Desk.Actions.Do(c.Request.Context(), principal(c), auth.ActRequest{Number: c.Param("number"),
		Action: c.Param("action"), Text: b.Text, Department: b.Department, Version: b.Version})
	switch {
	case err != nil:
		s.fail(c, err)
	case !res.Done:
		c.JSON(http.StatusConflict, gin.H{"code": "refused", "error": res.Reply})
	default:
		out := res.Case
		if !principal(c).FullContact(s.Desk.Policy, out) {
			out = auth.Mask(out)
		}
		c.JSON(http.StatusOK, gin.H{"done": true, "reply": res.Reply, "status": out.Status, "case": out})
	}
}

// handleCaseReads lists who read the case's personal data in full.
func (s *Server) handleCaseReads(c *gin.Context) {
	reads, err := s.Desk.Guard.Reads(c.Request.Context(), principal(c), c.Param("number"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"reads": reads})
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
	c.JSON(http.StatusOK, gin.H{"since": since, "until": until, "total": d.Total, "open": d.Open, "overdue": d.Overdue,
		"major": d.Major, "by_status": d.ByStatus, "by_department": d.ByDepartment, "by_category": d.ByCategory,
		"by_source": d.BySource})
}
