package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"tapline/bot/auth"
	"tapline/models"
)

func (s *Server) registerAdminRoutes(g *gin.RouterGroup) {
	g.GET("/cases", s.handleListCases)
	g.GET("/cases/:number", s.handleGetCase)
	g.GET("/outbox", s.adminOnly, s.handleListOutbox)
	s.registerAPIRoutes(g)
}

// handleListCases lists the cases the caller may see (caseFilter lists
// the filters); names and phones are masked except for the admin token.
func (s *Server) handleListCases(c *gin.Context) {
	f, err := s.caseFilter(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	var cases []*models.Case
	var total int
	if s.Desk != nil {
		cases, total, err = s.Desk.Guard.List(c.Request.Context(), principal(c), f, auth.ChannelAPI)
	} else {
		cases, total, err = s.Cases.FindCases(c.Request.Context(), f)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"cases": cases, "total": total, "offset": f.Offset})
}

// handleGetCase returns one case with its timeline.
func (s *Server) handleGetCase(c *gin.Context) {
	if s.Desk != nil {
		s.handleCaseDetail(c)
		return
	}
	cs, err := s.Cases.FindCaseByNumber(c.Request.Context(), c.Param("number"))
	if err != nil {
		s.fail(c, err)
		return
	}
	events, err := s.Cases.CaseEvents(c.Request.Context(), cs.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"case": cs, "events": events})
}

// handleListOutbox lists outbox rows (the local sink's messages included)
// with their status. Filters: status, case_id, offset, limit.
func (s *Server) handleListOutbox(c *gin.Context) {
	f := models.OutboxFilter{Status: c.Query("status")}
	if v := c.Query("case_id"); v != "" {
		id, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			s.fail(c, models.Errorf(models.EINVALID, "case_id: %q is not a number", v))
			return
		}
		f.CaseID = id
	}
	var err error
	if f.Offset, f.Limit, err = paging(c); err != nil {
		s.fail(c, err)
		return
	}
	rows, total, err := s.Outbox.ListOutbox(c.Request.Context(), f)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := make([]gin.H, 0, len(rows))
	for _, r := range rows {
		out = append(out, outboxJSON(r))
	}
	c.JSON(http.StatusOK, gin.H{"outbox": out, "total": total})
}

// outboxJSON shows a row with its target masked: robot keys and tokens are
// credentials.
func outboxJSON(r *models.Outbox) gin.H {
	target := r.Target
	if r.Channel != models.ChannelSink {
		target = maskSecret(target)
	}
	return gin.H{"id": r.ID, "case_id": r.CaseID, "channel": r.Channel, "target": target,
		"audience": r.Audience, "kind": r.Kind, "payload": r.Payload, "status": r.Status,
		"attempts": r.Attempts, "last_error": r.LastError, "next_at": r.NextAt, "sent_at": r.SentAt,
		"created_at": r.CreatedAt}
}

func maskSecret(s string) string {
	if len(s) <= 8 {
		return s
	}
	return s[:4] + "…" + s[len(s)-2:]
}

func paging(c *gin.Context) (offset, limit int, err error) {
	if offset, err = intParam(c, "offset", 0); err != nil {
		return 0, 0, err
	}
	limit, err = intParam(c, "limit", 50)
	return offset, min(limit, 500), err
}

func intParam(c *gin.Context, name string, def int) (int, error) {
	v := c.Query(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, models.Errorf(models.EINVALID, "%s: %q is not a non-negative number", name, v)
	}
	return n, nil
}

func parseSince(v string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	return time.Parse("2006-01-02", v)
}
