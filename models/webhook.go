package models

import (
	"context"
	"time"
)

// Event types an integration subscribes to. Each is written as outbox rows
// in the same transaction as the change it reports.
const (
	EventCaseCreated       = "case.created"        // a complaint was filed (any channel)
	EventCaseStatusChanged = "case.status_changed" // the case moved to another status
	EventCaseMajor         = "case.major"          // the case became major (policy 4.1.3)
	EventCaseOverdue       = "case.overdue"        // a stage deadline passed; a warning was recorded (policy 6.1)
	EventCaseArchived      = "case.archived"       // the call-back is done and the case is archived (policy 3.1)
	EventCallbackRecorded  = "callback.recorded"   // a call-back attempt was recorded (policy 3.1)
)

// EventTypes lists every event type, in the order they are documented.
var EventTypes = []string{EventCaseCreated, EventCaseStatusChanged, EventCaseMajor, EventCaseOverdue,
	EventCaseArchived, EventCallbackRecorded}

// ChannelWebhook is the outbox channel of an event delivery to an
// integration; Target = the subscription ID, Audience = the event type,
// Payload = the event (JSON of Event).
const ChannelWebhook = "webhook"

// KindEvent is the outbox Kind of a webhook delivery.
const KindEvent = "event"

// Subscription is an integration's registration for events: where to POST
// them, the secret they are signed with, and which types it wants. Secret
// is a credential: it is shown once, when the subscription is created.
type Subscription struct {
	ID          uint64 `gorm:"primaryKey;autoIncrement"`
	URL         string `gorm:"size:512;not null"`
	Secret      string `gorm:"size:128;not null"`
	Events      string `gorm:"size:255;not null"` // comma-separated event types
	Description string `gorm:"size:255"`
	Active      bool   `gorm:"not null;default:true;index"`
	CreatedBy   string `gorm:"size:80"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// TableName names the table.
func (Subscription) TableName() string { return "webhook_subscriptions" }

// Event is the body of a webhook delivery. ID is stable: every retry and
// replay of the delivery carries it, so a receiver dedupes on it. It holds
// no personal data (names, phones, addresses, openids): a receiver reads
// the case through the API with its own token, under its own role's
// masking.
type Event struct {
	ID         string       `json:"id"`
	Type       string       `json:"type"`
	OccurredAt time.Time    `json:"occurred_at"`
	Case       EventCase    `json:"case"`
	Change     *EventChange `json:"change,omitempty"`
	Overdue    *EventDue    `json:"overdue,omitempty"`
	CallBack   *EventCall   `json:"callback,omitempty"`
}

// EventCase is the case an event is about, as it is after the change.
type EventCase struct {
	Number      string `json:"number"`
	Status      string `json:"status"`
	Source      string `json:"source"`
	Category    string `json:"category"`
	Department  string `json:"department"`
	Major       bool   `json:"major"`
	MajorReason string `json:"major_reason,omitempty"`
	Urgent      bool   `json:"urgent"`
	ExternalRef string `json:"external_ref,omitempty"`
	Version     int    `json:"version"`
}

// EventChange is who changed the case and how: the timeline entry behind
// the event. Actor is a roster ID, "system", or empty for a resident.
type EventChange struct {
	Action     string `json:"action"`
	FromStatus string `json:"from_status,omitempty"`
	ToStatus   string `json:"to_status"`
	Actor      string `json:"actor,omitempty"`
	Role       string `json:"role"`
	Channel    string `json:"channel"`
}

// EventDue is the stage whose deadline passed (case.overdue).
type EventDue struct {
	Stage      string    `json:"stage"`
	Department string    `json:"department"`
	DueAt      time.Time `json:"due_at"`
}

// EventCall is a call-back attempt (callback.recorded).
type EventCall struct {
	Attempt int    `json:"attempt"`
	Outcome string `json:"outcome"`
	By      string `json:"by"`
}

// SubscriptionUpdate changes a subscription; nil fields stay.
type SubscriptionUpdate struct {
	URL         *string
	Events      *string
	Description *string
	Active      *bool
}

// WebhookService stores subscriptions and reads their deliveries (outbox
// rows of ChannelWebhook).
type WebhookService interface {
	// CreateSubscription writes s and fills in its ID and times.
	CreateSubscription(ctx context.Context, s *Subscription) error
	// Subscriptions lists every subscription, oldest first.
	Subscriptions(ctx context.Context) ([]*Subscription, error)
	// FindSubscription returns ENOTFOUND if there is none with that ID.
	FindSubscription(ctx context.Context, id uint64) (*Subscription, error)
	// UpdateSubscription applies u; ENOTFOUND if there is none.
	UpdateSubscription(ctx context.Context, id uint64, u SubscriptionUpdate) (*Subscription, error)
	// DeleteSubscription removes it; its pending deliveries fail when they
	// come due. ENOTFOUND if there is none.
	DeleteSubscription(ctx context.Context, id uint64) error
	// ReplayDelivery writes a new pending delivery with the same event
	// (same ID) to the same subscription. ENOTFOUND unless id is a webhook
	// delivery.
	ReplayDelivery(ctx context.Context, id uint64) (*Outbox, error)
}
