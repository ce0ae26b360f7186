package handlers

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"tapline/bot/auth"
	"tapline/models"
)

func (s *Server) registerAdminRoutes(g *gin.RouterGroup) {
	g.GET("/cases", s.handleListCases)
	g.GET("/cases/:number", s.handleGetCase)
	g.GET("/outbox", s.adminOnly, s.handleListOutbox)
	g.GET("/parked", s.adminOnly, s.handleListParked)
	g.POST("/parked/:id/resume", s.adminOnly, s.handleResumeParked)
	s.registerAPIRoutes(g)
}

// caseListJSON is a page of cases.
type caseListJSON struct {
	Cases []caseJSON `json:"cases"`
	Total int        `json:"total"`
	Next  string     `json:"next,omitempty"`
}

// handleListCases lists the cases the caller may see (caseFilter lists
// the filters), newest first, a page at a time; names and phones are
// masked except for the admin token.
func (s *Server) handleListCases(c *gin.Context) {
	f, err := s.caseFilter(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	var cases []*models.Case
	var total int
	full := principal(c).Role == auth.RoleAdmin
	if s.Desk != nil {
		cases, total, err = s.Desk.Guard.List(c.Request.Context(), principal(c), f, auth.ChannelAPI)
	} else {
		cases, total, err = s.Cases.FindCases(c.Request.Context(), f)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	out := caseListJSON{Cases: casesJSON(cases, full), Total: total}
	if n := len(cases); n > 0 {
		out.Next = nextLink(c, n, f.Limit, cases[n-1].CreatedAt, cases[n-1].ID)
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, out)
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
	setVersion(c, cs.Version)
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, newCaseDetailJSON(&auth.CaseDetail{Case: cs, Full: true, Events: events}))
}

// outboxJSON is an outbox row: a message or an event delivery, with its
// delivery state. The target is masked for platform credentials.
type outboxJSON struct {
	ID         uint64  `json:"id"`
	CaseNumber string  `json:"case_number,omitempty"`
	Channel    string  `json:"channel"`
	Target     string  `json:"target"`
	Audience   string  `json:"audience"`
	Kind       string  `json:"kind"`
	Message    any     `json:"message"`
	Status     string  `json:"status"`
	Attempts   int     `json:"attempts"`
	LastError  string  `json:"last_error,omitempty"`
	NextAt     *string `json:"next_at,omitempty"`
	SentAt     *string `json:"sent_at,omitempty"`
	CreatedAt  string  `json:"created_at"`
}

// outboxListJSON is a page of outbox rows.
type outboxListJSON struct {
	Outbox []outboxJSON `json:"outbox"`
	Total  int          `json:"total"`
	Next   string       `json:"next,omitempty"`
}

// handleListOutbox lists outbox rows (the local sink's messages included)
// with their status, newest first. Filters: status, case (number).
func (s *Server) handleListOutbox(c *gin.Context) {
	f := models.OutboxFilter{Status: c.Query("status"), CaseNumber: c.Query("case")}
	if f.Status != "" && !slices.Contains(models.OutboxStatuses, f.Status) {
		s.fail(c, invalid("status", "须为 "+strings.Join(models.OutboxStatuses, "、")+" 之一"))
		return
	}
	s.listOutbox(c, f, func(rows []outboxJSON, total int, next string) any {
		return outboxListJSON{Outbox: rows, Total: total, Next: next}
	})
}

// listOutbox answers a page of the rows matching f, shaped by wrap.
func (s *Server) listOutbox(c *gin.Context, f models.OutboxFilter, wrap func([]outboxJSON, int, string) any) {
	var rows []*models.Outbox
	s.listOutboxRows(c, f, &rows, wrap)
}

// listOutboxRows is listOutbox that also hands the rows to wrap (in *dst).
func (s *Server) listOutboxRows(c *gin.Context, f models.OutboxFilter, dst *[]*models.Outbox, wrap func([]outboxJSON, int, string) any) {
	var err error
	if f.After, f.Limit, err = page(c); err != nil {
		s.fail(c, err)
		return
	}
	rows, total, err := s.Outbox.ListOutbox(c.Request.Context(), f)
	if err != nil {
		s.fail(c, err)
		return
	}
	*dst = rows
	out, err := s.outboxRows(c, rows)
	if err != nil {
		s.fail(c, err)
		return
	}
	next := ""
	if n := len(rows); n > 0 {
		next = nextLink(c, n, f.Limit, rows[n-1].CreatedAt, rows[n-1].ID)
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, wrap(out, total, next))
}

// outboxRows shows rows with their cases' numbers.
func (s *Server) outboxRows(c *gin.Context, rows []*models.Outbox) ([]outboxJSON, error) {
	var ids []uint64
	for _, r := range rows {
		if r.CaseID != 0 {
			ids = append(ids, r.CaseID)
		}
	}
	numbers, err := s.Outbox.CaseNumbers(c.Request.Context(), ids)
	if err != nil {
		return nil, err
	}
	out := make([]outboxJSON, len(rows))
	for i, r := range rows {
		out[i] = newOutboxJSON(r, numbers[r.CaseID])
	}
	return out, nil
}

// newOutboxJSON shows a row with its credentials masked: the target
// (robot keys and tokens, session webhooks) and the one-time sign-in
// links in the message.
func newOutboxJSON(r *models.Outbox, number string) outboxJSON {
	target := r.Target
	if r.Channel != models.ChannelSink && r.Channel != models.ChannelWebhook {
		target = maskSecret(target)
	}
	var msg any
	payload := maskPayload(r.Payload)
	if json.Unmarshal([]byte(payload), &msg) != nil {
		msg = map[string]any{"text": payload}
	}
	out := outboxJSON{ID: r.ID, CaseNumber: number, Channel: r.Channel, Target: target, Audience: r.Audience,
		Kind: r.Kind, Message: msg, Status: r.Status, Attempts: r.Attempts, LastError: r.LastError,
		SentAt: stampPtr(r.SentAt), CreatedAt: stamp(r.CreatedAt)}
	if r.Status == models.OutboxPending {
		out.NextAt = stampPtr(&r.NextAt)
	}
	return out
}

// signInToken is the token of a one-time sign-in link in a message.
var signInToken = regexp.MustCompile(`(` + regexp.QuoteMeta(auth.LinkPath) + `\?token=)[A-Za-z0-9_-]+`)

// maskPayload hides the one-time sign-in tokens in a row's message: the
// admin token may read every message, not sign in as the person a link
// is for. (A signed file link gives it nothing it cannot fetch already.)
func maskPayload(payload string) string {
	return signInToken.ReplaceAllString(payload, "${1}…")
}

func maskSecret(s string) string {
	if len(s) <= 8 {
		return s
	}
	return s[:4] + "…" + s[len(s)-2:]
}

func parseSince(v string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	return time.Parse("2006-01-02", v)
}
