package models

import (
	"context"
	"encoding/json"
)

// EventCorrect is the type of the timeline event a correction of the
// record writes (policy 4.1.1: the record must be accurate). Its Text is a
// Correction in JSON, as a photo event's Text is an Attachment: the old
// value is kept there.
const EventCorrect = "correct"

// Record fields the hotline may correct (policy 3.1, 4.1.4).
const (
	CorrectName    = "name"
	CorrectPhone   = "phone"
	CorrectAddress = "address"
)

// CorrectFields lists the correctable fields in the order forms show them.
var CorrectFields = []string{CorrectName, CorrectPhone, CorrectAddress}

// Correction is what a correct event carries: the field, its old value
// and its new value.
type Correction struct {
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// ParseCorrection reads a correct event's Text; ok is false for any other
// event or a damaged text.
func ParseCorrection(ev *CaseEvent) (c Correction, ok bool) {
	if ev == nil || ev.Type != EventCorrect || json.Unmarshal([]byte(ev.Text), &c) != nil || c.Field == "" {
		return Correction{}, false
	}
	return c, true
}

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
	// Event names who corrects (Actor, Role, Channel); Type, Text and the
	// statuses are set by CorrectCase.
	Event CaseEvent
}

// CorrectionService corrects case records.
type CorrectionService interface {
	// CorrectCase sets the field, Version+1, and writes the correct event
	// (field, old and new value) in one transaction guarded by the case's
	// Version, as CaseworkService.Apply is. Returns ENOTFOUND if the case
	// does not exist, ECONFLICT if its Version moved on, EPRECONDITION
	// under WithExpectedVersion, EINVALID for another field or an
	// unchanged value.
	CorrectCase(ctx context.Context, cc *CaseCorrection) (*Case, *Correction, error)
}
