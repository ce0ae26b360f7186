package handlers

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"tapline/models"
)

// registerWebhookRoutes adds the admin token's event subscriptions: an
// integration registers a URL and the event types it wants; each event is
// a signed POST from the outbox (README "Event webhooks"). Creating one
// takes no Idempotency-Key: its answer carries the signing secret once.
func (s *Server) registerWebhookRoutes(g *gin.RouterGroup) {
	w := g.Group("/webhooks", s.needWebhooks)
	w.GET("/subscriptions", s.handleListSubscriptions)
	w.POST("/subscriptions", s.noIdempotency, s.handleCreateSubscription)
	w.GET("/subscriptions/:id", s.handleGetSubscription)
	w.PATCH("/subscriptions/:id", s.handleUpdateSubscription)
	w.DELETE("/subscriptions/:id", s.handleDeleteSubscription)
	w.GET("/subscriptions/:id/deliveries", s.handleListDeliveries)
	w.GET("/deliveries/:id", s.handleGetDelivery)
	w.POST("/deliveries/:id/replay", s.idempotent, s.handleReplayDelivery)
}

func (s *Server) needWebhooks(c *gin.Context) {
	if s.Webhooks == nil || s.Egress == nil {
		s.fail(c, models.Errorf(models.EUNAVAILABLE, "event webhooks are not configured"))
		return
	}
	c.Next()
}

// subscriptionJSON is a subscription; the secret only in the answer that
// creates it, a hint of it afterwards.
type subscriptionJSON struct {
	ID          uint64   `json:"id"`
	URL         string   `json:"url"`
	Events      []string `json:"events"`
	Description string   `json:"description"`
	Active      bool     `json:"active"`
	SecretHint  string   `json:"secret_hint"`
	Secret      string   `json:"secret,omitempty"`
	CreatedBy   string   `json:"created_by"`
	CreatedAt   string   `json:"created_at"`
	UpdatedAt   string   `json:"updated_at"`
}

func newSubscriptionJSON(sub *models.Subscription) subscriptionJSON {
	return subscriptionJSON{ID: sub.ID, URL: sub.URL, Events: strings.Split(sub.Events, ","),
		Description: sub.Description, Active: sub.Active, SecretHint: sub.Secret[:min(len(sub.Secret), 10)] + "…",
		CreatedBy: sub.CreatedBy, CreatedAt: stamp(sub.CreatedAt), UpdatedAt: stamp(sub.UpdatedAt)}
}

// subscriptionBody creates or (with pointers left nil) changes one.
type subscriptionBody struct {
	URL         *string   `json:"url"`
	Events      *[]string `json:"events"`
	Description *string   `json:"description"`
	Active      *bool     `json:"active"`
}

// check validates what b sets and returns it as an update.
func (s *Server) check(b subscriptionBody) (models.SubscriptionUpdate, error) {
	u := models.SubscriptionUpdate{URL: b.URL, Description: b.Description, Active: b.Active}
	var bad []models.FieldError
	if b.URL != nil {
		if err := s.Egress.CheckURL(*b.URL); err != nil {
			bad = append(bad, models.FieldError{Field: "url", Reason: "不能投递到这个地址：" + err.Error()})
		}
	}
	if b.Events != nil {
		events, ok := eventList(*b.Events)
		if !ok {
			bad = append(bad, models.FieldError{Field: "events", Reason: "至少一个，取自：" + strings.Join(models.EventTypes, ", ")})
		}
		u.Events = &events
	}
	if b.Description != nil && len([]rune(*b.Description)) > 200 {
		bad = append(bad, models.FieldError{Field: "description", Reason: "最多 200 个字"})
	}
	if len(bad) > 0 {
		return u, models.Invalid(bad...)
	}
	return u, nil
}

// eventList validates and normalises the event types (documented order).
func eventList(types []string) (string, bool) {
	var out []string
	for _, t := range models.EventTypes {
		if slices.Contains(types, t) {
			out = append(out, t)
		}
	}
	for _, t := range types {
		if !slices.Contains(models.EventTypes, t) {
			return "", false
		}
	}
	return strings.Join(out, ","), len(out) > 0
}

func (s *Server) handleListSubscriptions(c *gin.Context) {
	subs, err := s.Webhooks.Subscriptions(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	out := struct {
		Subscriptions []subscriptionJSON `json:"subscriptions"`
	}{Subscriptions: make([]subscriptionJSON, len(subs))}
	for i, sub := range subs {
		out.Subscriptions[i] = newSubscriptionJSON(sub)
	}
	c.JSON(http.StatusOK, out)
}

// handleCreateSubscription registers a URL; the answer holds the secret
// that signs every delivery, shown this once.
func (s *Server) handleCreateSubscription(c *gin.Context) {
	var b subscriptionBody
	if err := decodeBody(c, &b, false); err != nil {
		s.fail(c, err)
		return
	}
	var missing []models.FieldError
	if b.URL == nil {
		missing = append(missing, models.FieldError{Field: "url", Reason: "必填"})
	}
	if b.Events == nil {
		missing = append(missing, models.FieldError{Field: "events", Reason: "必填"})
	}
	if len(missing) > 0 {
		s.fail(c, models.Invalid(missing...))
		return
	}
	u, err := s.check(b)
	if err != nil {
		s.fail(c, err)
		return
	}
	sub := &models.Subscription{URL: *u.URL, Events: *u.Events, Active: true, Secret: newSecret(),
		CreatedBy: principal(c).Reader()}
	if u.Description != nil {
		sub.Description = *u.Description
	}
	if u.Active != nil {
		sub.Active = *u.Active
	}
	if err := s.Webhooks.CreateSubscription(c.Request.Context(), sub); err != nil {
		s.fail(c, err)
		return
	}
	out := newSubscriptionJSON(sub)
	out.Secret = sub.Secret
	c.Header("Cache-Control", "no-store")
	c.Header("Location", "/api/v1/webhooks/subscriptions/"+strconv.FormatUint(sub.ID, 10))
	c.JSON(http.StatusCreated, out)
}

// newSecret is a fresh signing secret.
func newSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return "whsec_" + hex.EncodeToString(b)
}

func (s *Server) handleGetSubscription(c *gin.Context) {
	id, err := idParam(c, "id")
	if err != nil {
		s.fail(c, err)
		return
	}
	sub, err := s.Webhooks.FindSubscription(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, newSubscriptionJSON(sub))
}

// handleUpdateSubscription changes the URL, the events, the description,
// or pauses (active=false) and resumes it.
func (s *Server) handleUpdateSubscription(c *gin.Context) {
	id, err := idParam(c, "id")
	if err != nil {
		s.fail(c, err)
		return
	}
	var b subscriptionBody
	if err := decodeBody(c, &b, false); err != nil {
		s.fail(c, err)
		return
	}
	u, err := s.check(b)
	if err != nil {
		s.fail(c, err)
		return
	}
	if _, err := s.Webhooks.FindSubscription(c.Request.Context(), id); err != nil {
		s.fail(c, err)
		return
	}
	sub, err := s.Webhooks.UpdateSubscription(c.Request.Context(), id, u)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, newSubscriptionJSON(sub))
}

func (s *Server) handleDeleteSubscription(c *gin.Context) {
	id, err := idParam(c, "id")
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.Webhooks.DeleteSubscription(c.Request.Context(), id); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

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
