package models

import (
	"context"
	"time"
)

// IdempotencyRecord remembers one write request made with an
// Idempotency-Key and, once it is answered, the answer, so that a retry
// with the same key and body gets the first answer (and the work is done
// once) on any replica. ID is the SHA-256 (hex) of the caller and the key;
// RequestHash that of the method, route and body. Status is 0 while the
// first request runs.
type IdempotencyRecord struct {
	ID          string `gorm:"primaryKey;size:64"`
	RequestHash string `gorm:"size:64;not null"`
	Status      int    `gorm:"not null;default:0"`
	ContentType string `gorm:"size:100"`
	Headers     string `gorm:"type:text"`       // JSON object of the answer's headers worth repeating
	Body        string `gorm:"type:mediumtext"` // the answer's body
	CreatedAt   time.Time
	ExpiresAt   time.Time `gorm:"index"`
}

// TableName names the table.
func (IdempotencyRecord) TableName() string { return "idempotency_keys" }

// IdempotencyService stores idempotency records.
type IdempotencyService interface {
	// ClaimIdempotency writes rec (Status 0) unless a live record has its
	// ID. It returns nil when rec was claimed: the caller runs the request
	// and then finishes or releases it. Otherwise it returns the record
	// found: finished (Status set), or still running. An expired record,
	// or one left running for longer than stale (a crashed replica), is
	// taken over.
	ClaimIdempotency(ctx context.Context, rec *IdempotencyRecord, stale time.Duration) (*IdempotencyRecord, error)
	// FinishIdempotency stores the answer of a claimed record.
	FinishIdempotency(ctx context.Context, id string, status int, contentType, headers, body string) error
	// ReleaseIdempotency deletes a claimed record whose request failed in a
	// way worth retrying (a server error): the key may be used again.
	ReleaseIdempotency(ctx context.Context, id string) error
}
