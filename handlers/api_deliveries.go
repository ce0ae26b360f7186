package handlers

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"tapline/models"
)

// deliveryJSON is one delivery of one event to one subscription, with its
// attempts when shown alone.
type deliveryJSON struct {
	ID           uint64        `json:"id"`
	Subscription uint64        `json:"subscription_id"`
	EventID      string        `json:"event_id"`
	EventType    string        `json:"event_type"`
	CaseNumber   string        `json:"case_number,omitempty"`
	Status       string        `json:"status"`
	Attempts     int           `json:"attempts"`
	LastError    string        `json:"last_error,omitempty"`
	NextAt       *string       `json:"next_at,omitempty"`
	SentAt       *string       `json:"sent_at,omitempty"`
	CreatedAt    string        `json:"created_at"`
	Event        any           `json:"event"`
	Log          []attemptJSON `json:"attempt_log,omitempty"`
}

// attemptJSON is one delivery attempt and the receiver's answer.
type attemptJSON struct {
	At     string `json:"at"`
	OK     bool   `json:"ok"`
	Status int    `json:"status,omitempty"`
	Error  string `json:"error,omitempty"`
}

func newDeliveryJSON(o outboxJSON, r *models.Outbox) deliveryJSON {
	sub, _ := strconv.ParseUint(r.Target, 10, 64)
	var head struct{ ID, Type string }
	_ = json.Unmarshal([]byte(r.Payload), &head)
	return deliveryJSON{ID: r.ID, Subscription: sub, EventID: head.ID, EventType: head.Type, CaseNumber: o.CaseNumber,
		Status: r.Status, Attempts: r.Attempts, LastError: r.LastError, NextAt: o.NextAt, SentAt: o.SentAt,
		CreatedAt: o.CreatedAt, Event: o.Message}
}

// handleListDeliveries lists a subscription's deliveries, newest first.
func (s *Server) handleListDeliveries(c *gin.Context) {
	id, err := idParam(c, "id")
	if err != nil {
		s.fail(c, err)
		return
	}
	if _, err := s.Webhooks.FindSubscription(c.Request.Context(), id); err != nil {
		s.fail(c, err)
		return
	}
	f := models.OutboxFilter{Channel: models.ChannelWebhook, Target: strconv.FormatUint(id, 10), Status: c.Query("status")}
	var rows []*models.Outbox
	s.listOutboxRows(c, f, &rows, func(out []outboxJSON, total int, next string) any {
		list := struct {
			Deliveries []deliveryJSON `json:"deliveries"`
			Total      int            `json:"total"`
			Next       string         `json:"next,omitempty"`
		}{Deliveries: make([]deliveryJSON, len(out)), Total: total, Next: next}
		for i := range out {
			list.Deliveries[i] = newDeliveryJSON(out[i], rows[i])
		}
		return list
	})
}

// handleGetDelivery shows one delivery with every attempt.
func (s *Server) handleGetDelivery(c *gin.Context) {
	row, ok := s.delivery(c)
	if !ok {
		return
	}
	attempts, err := s.Outbox.Attempts(c.Request.Context(), row.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	shown, err := s.outboxRows(c, []*models.Outbox{row})
	if err != nil {
		s.fail(c, err)
		return
	}
	out := newDeliveryJSON(shown[0], row)
	out.Log = make([]attemptJSON, len(attempts))
	for i, a := range attempts {
		out.Log[i] = attemptJSON{At: stamp(a.At), OK: a.OK, Status: a.Status, Error: a.Error}
	}
	c.JSON(http.StatusOK, out)
}

// delivery loads the webhook delivery named by :id.
func (s *Server) delivery(c *gin.Context) (*models.Outbox, bool) {
	id, err := idParam(c, "id")
	if err != nil {
		s.fail(c, err)
		return nil, false
	}
	row, err := s.Outbox.FindOutbox(c.Request.Context(), id)
	if err == nil && row.Channel != models.ChannelWebhook {
		err = models.Errorf(models.ENOTFOUND, "编号 %d 不是事件投递。", id)
	}
	if err != nil {
		s.fail(c, err)
		return nil, false
	}
	return row, true
}

// handleReplayDelivery sends a delivery's event again, as a new delivery
// with the same event ID (receivers dedupe on it): 202.
func (s *Server) handleReplayDelivery(c *gin.Context) {
	if _, ok := s.delivery(c); !ok {
		return
	}
	id, _ := idParam(c, "id")
	row, err := s.Webhooks.ReplayDelivery(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	if s.Queue != nil {
		if err := s.Queue.Enqueue(c.Request.Context(), row.ID); err != nil {
			s.log.Warn("arm replayed delivery; the reconciler will", "id", row.ID, "err", err)
		}
	}
	shown, err := s.outboxRows(c, []*models.Outbox{row})
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusAccepted, newDeliveryJSON(shown[0], row))
}
