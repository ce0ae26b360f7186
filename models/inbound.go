package models

import (
	"context"
	"time"
)

// InboundMessage is the raw message as received, recorded before any
// processing so that nothing a resident or staff member sent is lost. Its
// DedupeKey (bot.Update.DedupeKey) is unique: each delivery is taken for
// processing once, however long after Redis forgot it a replay comes.
type InboundMessage struct {
	ID         uint64 `gorm:"primaryKey;autoIncrement"`
	Platform   string `gorm:"size:16;not null"`
	DedupeKey  string `gorm:"size:191;uniqueIndex:uniq_inbound_dedupe_key;not null"`
	Sender     string `gorm:"size:64;index"`
	Raw        string `gorm:"type:mediumtext;not null"` // decrypted payload
	ReceivedAt time.Time
}

// Resident is what a returning resident used last time, offered again by the
// dialog (PRODUCT A2). Keyed by WeChat OpenID.
type Resident struct {
	OpenID    string    `gorm:"primaryKey;size:64"`
	Name      string    `gorm:"size:64"`
	Phone     string    `gorm:"size:32"`
	Address   string    `gorm:"size:255"`
	LastSeen  time.Time // last inbound message: the 48-hour service window
	UpdatedAt time.Time
}

// InboundService records raw inbound messages.
type InboundService interface {
	// RecordInbound stores the message. Returns ECONFLICT when a message
	// with its DedupeKey is already recorded: that delivery was taken
	// before (Redis dedupe may have forgotten it) and must not be
	// processed again.
	RecordInbound(ctx context.Context, m *InboundMessage) error
	// ReleaseInbound frees the key of a recorded message whose processing
	// failed before it did anything, so that the platform's retry is
	// recorded and processed again. The first record stays, its key
	// suffixed with "#" and its ID.
	ReleaseInbound(ctx context.Context, key string) error
}

// ResidentService stores residents' last-used details.
type ResidentService interface {
	// FindResident returns ENOTFOUND if the resident has never filed.
	FindResident(ctx context.Context, openID string) (*Resident, error)
	// SaveResident inserts or updates the resident.
	SaveResident(ctx context.Context, r *Resident) error
}
