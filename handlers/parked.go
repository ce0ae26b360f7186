package handlers

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"tapline/models"
)

// ParkedTasks lists and resumes the deadline firings parked after failing
// the same way repeatedly (models.DeadlineParked).
type ParkedTasks interface {
	ParkedDeadlines(ctx context.Context, limit int) ([]*models.Deadline, error)
	ResumeDeadline(ctx context.Context, id uint64, now time.Time) (*models.Deadline, error)
}

// parkedJSON is a parked deadline firing (a resource, not the storage row).
type parkedJSON struct {
	DeadlineID uint64 `json:"deadline_id"`
	CaseID     uint64 `json:"case_id"`
	Stage      string `json:"stage"`
	Step       int    `json:"step"`
	Status     string `json:"status"`
	Failures   int    `json:"failures"`
	LastError  string `json:"last_error"`
	DueAt      string `json:"due_at"`
	UpdatedAt  string `json:"updated_at"`
}

// parkedListJSON is the list of parked firings.
type parkedListJSON struct {
	Parked []parkedJSON `json:"parked"`
	Total  int          `json:"total"`
}

func newParkedJSON(d *models.Deadline) parkedJSON {
	return parkedJSON{DeadlineID: d.ID, CaseID: d.CaseID, Stage: d.Stage, Step: d.Step, Status: d.Status,
		Failures: d.Failures, LastError: d.LastError, DueAt: stamp(d.DueAt), UpdatedAt: stamp(d.UpdatedAt)}
}

// handleListParked lists the parked deadline firings, most recently parked
// first: beside the outbox's failed rows, the tasks that stopped being
// retried (?limit=, default 50, at most 500).
func (s *Server) handleListParked(c *gin.Context) {
	if s.Parked == nil {
		s.fail(c, models.Errorf(models.EUNAVAILABLE, "parked tasks are not available on this server"))
		return
	}
	limit, err := intParam(c, "limit", 50)
	if err == nil && (limit < 1 || limit > 500) {
		err = invalid("limit", "每页 1 到 500 条")
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	rows, err := s.Parked.ParkedDeadlines(c.Request.Context(), limit)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := parkedListJSON{Parked: make([]parkedJSON, 0, len(rows)), Total: len(rows)}
	for _, d := range rows {
		out.Parked = append(out.Parked, newParkedJSON(d))
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, out)
}

// handleResumeParked runs a parked deadline again from its step, now.
func (s *Server) handleResumeParked(c *gin.Context) {
	id, err := strconv.ParseUint(c.Param("id"), 10, 64)
	if err != nil || s.Parked == nil {
		s.fail(c, models.Errorf(models.ENOTFOUND, "没有被搁置的任务 %q。", c.Param("id")))
		return
	}
	d, err := s.Parked.ResumeDeadline(c.Request.Context(), id, s.Clock.Now())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, newParkedJSON(d))
}
