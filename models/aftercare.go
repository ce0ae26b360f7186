package models

import (
	"context"
	"time"
)

// StatusArchived is the last status: the call-back is done and the case is
// read-only (policy 3.1: the hotline archives). A closed case waits for its
// call-back.
const StatusArchived = "archived"

// Call-back outcomes (policy 3.1, PRODUCT E1).
const (
	OutcomeSatisfied   = "satisfied"           // 满意
	OutcomeBasic       = "basically_satisfied" // 基本满意
	OutcomeUnsatisfied = "unsatisfied"         // 不满意: the case is reopened to its department
	OutcomeUnreachable = "unreachable"         // 联系不上: tried again until the attempts run out
)

// CallBack is one call-back attempt by the hotline.
type CallBack struct {
	ID        uint64    `gorm:"primaryKey;autoIncrement"`
	CaseID    uint64    `gorm:"index;not null"`
	Attempt   int       `gorm:"not null"` // 1, 2, …
	Outcome   string    `gorm:"size:32;not null"`
	By        string    `gorm:"size:64;not null"` // roster ID
	Note      string    `gorm:"type:text"`
	CreatedAt time.Time `gorm:"index"`
}

// Rating is a resident's own score of the handling in WeChat (1–5), at
// most one per case.
type Rating struct {
	CaseID     uint64 `gorm:"primaryKey;autoIncrement:false"`
	ResidentID string `gorm:"size:64;not null"`
	Score      int    `gorm:"not null"`
	Comment    string `gorm:"type:text"`
	CreatedAt  time.Time
}

// Prevention item statuses (policy 4.4.2).
const (
	PreventionOpen      = "open"      // recurrence found; the leader in charge drafts a measure
	PreventionDrafted   = "drafted"   // a measure waits for the GM's approval
	PreventionAnnounced = "announced" // approved and announced to every department
	PreventionChecked   = "checked"   // its effect was checked against the following months
)

// Prevention is a prevention measure for a recurring complaint (policy
// 4.4.2): found from the ledger, drafted by the leader in charge, approved
// by the GM, announced to every department, its effect checked.
type Prevention struct {
	ID         uint64  `gorm:"primaryKey;autoIncrement"`
	OpenKey    *string `gorm:"size:160;uniqueIndex"` // kind|category|area-or-department while not checked
	Kind       string  `gorm:"size:16;not null"`     // "area" or "department"
	Category   string  `gorm:"size:32;not null"`
	AreaKey    string  `gorm:"size:64"`
	Department string  `gorm:"size:32;not null"`
	Owner      string  `gorm:"size:64;not null"` // the leader in charge (roster ID)
	Cases      int     `gorm:"not null"`         // complaints in the window that found it
	Since      time.Time
	Status     string `gorm:"size:16;index;not null"`
	Measure    string `gorm:"type:text"`
	ApprovedBy string `gorm:"size:64"`
	ApprovedAt *time.Time
	Effect     string `gorm:"type:text"` // the check: cases before and after
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Recurrence is a group of complaints of one category found often enough
// to need a prevention measure (policy 4.4.2).
type Recurrence struct {
	Kind       string // "area" or "department"
	Category   string
	AreaKey    string // for Kind "area"
	Department string
	Cases      int
}

// PreventionService finds recurring complaints and stores prevention items.
type PreventionService interface {
	// Recurrences returns the category+area groups with at least areaMin
	// cases and the category+department groups with at least deptMin
	// cases created in [since, until).
	Recurrences(ctx context.Context, since, until time.Time, areaMin, deptMin int) ([]Recurrence, error)
	// CountRecurrence counts the cases of r's kind, category and place
	// created in [since, until).
	CountRecurrence(ctx context.Context, r Recurrence, since, until time.Time) (int, error)
	// CreatePrevention writes p with its OpenKey; ECONFLICT when an item
	// with that key is still open.
	CreatePrevention(ctx context.Context, p *Prevention) error
	// FindPrevention returns ENOTFOUND if it does not exist.
	FindPrevention(ctx context.Context, id uint64) (*Prevention, error)
	// UpdatePrevention saves p if its status is still from; ECONFLICT
	// otherwise. Checked items lose their OpenKey.
	UpdatePrevention(ctx context.Context, p *Prevention, from string) error
	// ListPreventions returns the items in any of statuses, oldest first.
	ListPreventions(ctx context.Context, statuses ...string) ([]*Prevention, error)
}

// AftercareService stores call-backs, ratings and prevention items.
type AftercareService interface {
	// CallBacks returns a case's call-back attempts, oldest first.
	CallBacks(ctx context.Context, caseID uint64) ([]*CallBack, error)
	// AddRating writes r; ECONFLICT when the case already has a rating.
	AddRating(ctx context.Context, r *Rating) error
	// FindRating returns ENOTFOUND when the case has none.
	FindRating(ctx context.Context, caseID uint64) (*Rating, error)
}
