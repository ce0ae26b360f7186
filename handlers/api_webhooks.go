package handlers

import (
	"crypto/rand"
	"encoding/hex"
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
