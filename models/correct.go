package models

import (
	"context"
	"time"
)

// EventCorrect is the type of the timeline event a correction of the
// record writes (policy 4.1.1: the record must be accurate).
const EventCorrect = "correct"

// Record fields the hotline may correct (policy 3.1, 4.1.4).
const (
	CorrectName    = "name"
	CorrectPhone   = "phone"
	CorrectAddress = "address"
)

// CorrectFields lists the correctable fields in the order forms show them.
var CorrectFields = []string{CorrectName, CorrectPhone, CorrectAddress}

// Correction is one corrected field of a case record, old and new value in
// full, kept beside its correct event. The event's text shows the change
// masked: timelines carry no contact data in full (the API, the chat's 查
// and the console read them, some masked), as a supplement's event says
// only that contact details came.
type Correction struct {
	ID        uint64 `gorm:"primaryKey;autoIncrement"`
	CaseID    uint64 `gorm:"index;not null"`
	EventID   uint64 `gorm:"not null"`
	Field     string `gorm:"size:16;not null"`
	Old       string `gorm:"size:255;not null"`
	New       string `gorm:"size:255;not null"`
	Actor     string `gorm:"size:64"`
	CreatedAt time.Time
}

// TableName names the table.
func (Correction) TableName() string { return "case_corrections" }

// CaseCorrection asks CorrectionService.CorrectCase to set one field of a
// case record.
type CaseCorrection struct {
	CaseID  uint64
	Version int    // the case Version the correction was decided on (optimistic lock)
	Field   string // CorrectName, CorrectPhone or CorrectAddress
	Value   string // the new value, already validated as intake validates it
	// AreaKey, for an address, is the new address's clustering key (it
	// replaces the stored one, as a supplement does).
	AreaKey string
	// Event names who corrects (Actor, Role, Channel); Type and the
	// statuses are set by CorrectCase.
	Event CaseEvent
	// Describe, called inside the transaction with the old and new value,
	// returns the event's text with personal data masked; nil: "更正记录".
	Describe func(fix Correction) string
}

// CorrectionService corrects case records.
type CorrectionService interface {
	// CorrectCase sets the field, Version+1, and writes the correct event
	// and the Correction row (old and new value) in one transaction guarded
	// by the case's Version, as CaseworkService.Apply is. Returns ENOTFOUND
	// if the case does not exist, ECONFLICT if its Version moved on,
	// EPRECONDITION under WithExpectedVersion, EINVALID for another field
	// or an unchanged value.
	CorrectCase(ctx context.Context, cc *CaseCorrection) (*Case, *Correction, error)
	// CaseCorrections returns a case's corrections, oldest first.
	CaseCorrections(ctx context.Context, caseID uint64) ([]*Correction, error)
}
