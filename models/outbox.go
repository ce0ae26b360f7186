package models

import (
	"context"
	"time"
)

// Outbox statuses.
const (
	OutboxPending = "pending" // waiting for (another) delivery attempt
	OutboxSent    = "sent"    // delivered; never sent again
	OutboxFailed  = "failed"  // retry budget exhausted; visible to operators
	// OutboxSkipped: deliberately not posted (LastError says why): a later
	// state of the same card superseded it, or it is an update of a card
	// its channel cannot change in place (group robots).
	OutboxSkipped = "skipped"
)

// OutboxStatuses lists every outbox status (the API's filter and enum).
var OutboxStatuses = []string{OutboxPending, OutboxSent, OutboxFailed, OutboxSkipped}

// Outbox channels: where a message is delivered.
const (
	ChannelWeComRobot    = "wecom_robot"    // WeCom group robot webhook; Target = robot key
	ChannelDingTalkRobot = "dingtalk_robot" // DingTalk custom robot; Target = access token
	ChannelWeChatCS      = "wechat_cs"      // WeChat OA customer-service message; Target = OpenID
	ChannelSink          = "sink"           // local sink (no credentials); Target = department or person
	// ChannelDingTalkSession answers a DingTalk robot conversation through
	// its sessionWebhook; Target = that URL (expires after ~90 minutes).
	ChannelDingTalkSession = "dingtalk_session"
	// ChannelWeComCardUpdate replaces a clicked WeCom app card for every
	// recipient; Target = the click's response_code (usable once).
	ChannelWeComCardUpdate = "wecom_card_update"
	// ChannelDingTalkCard delivers DingTalk interactive cards with buttons
	// (card platform); Target = "group:<openConversationId>",
	// "user:<staff user ID>", or "card:<outTrackId>" to update a delivered
	// card for everyone who sees it (after a click).
	ChannelDingTalkCard = "dingtalk_card"
)

// Outbox is a message to deliver after the transaction that created it has
// committed. Payload is JSON of the neutral message (bot.Card or text).
type Outbox struct {
	ID        uint64    `gorm:"primaryKey;autoIncrement"`
	CaseID    uint64    `gorm:"index"`
	Channel   string    `gorm:"size:32;not null"`
	Target    string    `gorm:"size:191;not null"` // robot key, token or OpenID: never logged in full
	Audience  string    `gorm:"size:64"`           // who it is for, e.g. department key
	Kind      string    `gorm:"size:32;not null"`  // "card", "text"
	Payload   string    `gorm:"type:text;not null"`
	Status    string    `gorm:"size:16;index:idx_outbox_due,priority:1;not null"`
	NextAt    time.Time `gorm:"index:idx_outbox_due,priority:2"`
	Attempts  int
	LastError string `gorm:"size:512"`
	SentAt    *time.Time
	// DigestKey names the digest this row collects reminder lines for
	// (channel|target|window); nil for ordinary rows.
	DigestKey   *string `gorm:"size:191;uniqueIndex"`
	DigestLines string  `gorm:"type:text"` // JSON array of the digest's lines
	// CardKey is the TaskID of the card the row carries (bot.Card.TaskID):
	// the rows of one card to one target are its states, of which only
	// the latest is delivered. Empty for other rows.
	CardKey   string `gorm:"size:128;index"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

// DeliveryAttempt records one try to deliver an outbox row and its result.
type DeliveryAttempt struct {
	ID       uint64 `gorm:"primaryKey;autoIncrement"`
	OutboxID uint64 `gorm:"index;not null"`
	OK       bool
	Status   int    // HTTP status, 0 if none
	Error    string `gorm:"size:512"`
	At       time.Time
}

// OutboxFilter selects outbox rows for the admin API.
type OutboxFilter struct {
	Status string
	CaseID uint64
	// CaseNumber keeps the rows of the case with this number.
	CaseNumber string
	Channel    string
	Target     string
	// After is the cursor of the previous page (newest first).
	After  *Cursor
	Offset int
	Limit  int
}

// OutboxService stores outbox rows and their delivery attempts.
type OutboxService interface {
	// AddOutbox writes rows not tied to a case transaction (late replies to
	// residents), filling in their IDs; Status pending and NextAt now when
	// unset.
	AddOutbox(ctx context.Context, rows []*Outbox) error
	// FindOutbox returns ENOTFOUND if the row does not exist.
	FindOutbox(ctx context.Context, id uint64) (*Outbox, error)
	// ListOutbox returns rows newest first and the total count.
	ListOutbox(ctx context.Context, f OutboxFilter) ([]*Outbox, int, error)
	// DueOutbox returns IDs of pending rows whose NextAt is at or before now.
	DueOutbox(ctx context.Context, now time.Time, limit int) ([]uint64, error)
	// ClaimOutbox leases a due row for one delivery attempt: it succeeds only
	// if the row is pending and NextAt <= now, and moves NextAt to now+lease
	// so no other worker takes it meanwhile (a crashed worker's lease simply
	// expires). Returns ECONFLICT if the row is not due or not pending,
	// ENOTFOUND if it does not exist.
	ClaimOutbox(ctx context.Context, id uint64, now time.Time, lease time.Duration) (*Outbox, error)
	// RescheduleOutbox moves a pending row's NextAt without counting an
	// attempt (rate limits).
	RescheduleOutbox(ctx context.Context, id uint64, at time.Time) error
	// RecordAttempt writes the attempt and updates the row in one
	// transaction: Attempts+1 and LastError; sent (SentAt) on success;
	// otherwise pending with NextAt=retryAt, or failed when retryAt is nil. It is a no-op returning ECONFLICT if
	// the row is no longer pending.
	RecordAttempt(ctx context.Context, a *DeliveryAttempt, retryAt *time.Time) error
	// Attempts returns the attempts of one row, oldest first.
	Attempts(ctx context.Context, outboxID uint64) ([]*DeliveryAttempt, error)
	// CaseNumbers returns the numbers of the cases with these IDs (IDs
	// without a case are left out).
	CaseNumbers(ctx context.Context, ids []uint64) (map[uint64]string, error)
	// CardState tells, for a row with a CardKey, whether it is the latest
	// row of that card to its channel and target, and whether an earlier
	// one was sent.
	CardState(ctx context.Context, row *Outbox) (latest, sentBefore bool, err error)
	// SkipOutbox ends a pending row without posting it: status skipped,
	// LastError why. ECONFLICT if it is no longer pending.
	SkipOutbox(ctx context.Context, id uint64, why string) error
	// WithdrawCard skips every pending row of the card cardKey (a card
	// merged into another before it went out) and returns how many.
	WithdrawCard(ctx context.Context, cardKey, why string) (int, error)
}
