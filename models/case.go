package models

import (
	"context"
	"time"
)

// Case statuses. Issue-level lifecycle (policy section 4) extends this list;
// intake creates cases in StatusAssigned once a department is routed.
const (
	StatusReceived = "received" // recorded, not yet routed
	StatusAssigned = "assigned" // routed to the responsible department (policy 4.1.2)
)

// Case sources (channels through which a complaint arrives, policy 3.1, 3.2).
const (
	SourceWeChat = "wechat"
	SourcePhone  = "phone"
	SourceVisit  = "visit"
	SourceLetter = "letter"
	SourceGov    = "government"
	SourceMedia  = "media"
)

// Case is one complaint. Name, Address and Phone are personal data: mask
// them (MaskName, MaskPhone) anywhere outside the case record itself.
type Case struct {
	ID          uint64 `gorm:"primaryKey;autoIncrement"`
	Number      string `gorm:"size:32;uniqueIndex;not null"` // TS20261127-0042
	DraftKey    string `gorm:"size:96;uniqueIndex;not null"` // idempotency key of the confirm that filed it
	Status      string `gorm:"size:32;index;not null"`
	Source      string `gorm:"size:32;not null"`
	ResidentID  string `gorm:"size:64;index"` // WeChat OpenID for resident cases
	Category    string `gorm:"size:32;not null"`
	Department  string `gorm:"size:32;index;not null"`
	Major       bool   `gorm:"not null;default:false"`
	MajorReason string `gorm:"size:64"` // which policy 4.1.3 criterion fired
	// Urgent marks a major case the leaders must also report to the housing
	// authority (policy 4.1.3 情况紧急且重大).
	Urgent      bool   `gorm:"not null;default:false"`
	IncidentID  uint64 `gorm:"index;not null;default:0"` // the incident linking a group complaint (PRODUCT A7), 0 = none
	AreaKey     string `gorm:"size:64;index"`            // estate or street taken from Address, for clustering
	ExternalRef string `gorm:"size:64"`                  // 12345 / government order number (policy 3.2)
	// ExternalDue is the deadline set by the referring body; it replaces the
	// resolution deadline when earlier.
	ExternalDue *time.Time
	Name        string    `gorm:"size:64;not null"`
	Address     string    `gorm:"size:255;not null"`
	Phone       string    `gorm:"size:32;index;not null"`
	Details     string    `gorm:"type:text;not null"`
	Expectation string    `gorm:"type:text"`          // policy 4.2.4: the outcome the resident expects
	Attachments string    `gorm:"type:text"`          // JSON array of Attachment
	Version     int       `gorm:"not null;default:1"` // optimistic-locking counter
	CreatedAt   time.Time `gorm:"index"`              // month ranges of the ledger and statistics
	UpdatedAt   time.Time
}

// Attachment is a photo, voice note or location the resident sent with the
// complaint. Kind is "image", "voice" or "location".
type Attachment struct {
	Kind    string  `json:"kind"`
	MediaID string  `json:"media_id,omitempty"`
	URL     string  `json:"url,omitempty"`
	Label   string  `json:"label,omitempty"`
	Lat     float64 `json:"lat,omitempty"`
	Lng     float64 `json:"lng,omitempty"`
}

// CaseEvent is an immutable entry of a case's timeline (policy: every
// transition is recorded with who, when, from, to, why and channel).
type CaseEvent struct {
	ID uint64 `gorm:"primaryKey;autoIncrement"`
	// CaseID, Type and CreatedAt are one index: a timeline reads by case,
	// the ledger by case and type without touching the rows.
	CaseID     uint64    `gorm:"not null;index:idx_case_events_case_type,priority:1"`
	Type       string    `gorm:"size:32;not null;index:idx_case_events_case_type,priority:2"` // "created", ...
	Actor      string    `gorm:"size:64"`
	Role       string    `gorm:"size:32"`
	Channel    string    `gorm:"size:32"`
	FromStatus string    `gorm:"size:32"`
	ToStatus   string    `gorm:"size:32"`
	Text       string    `gorm:"type:text"`
	CreatedAt  time.Time `gorm:"index:idx_case_events_case_type,priority:3"`
}

// NewCase is everything CreateCase writes in one transaction: the case, its
// first event and the outbox rows to deliver after commit.
type NewCase struct {
	Case   Case
	Event  CaseEvent
	Outbox []Outbox
	// BuildOutbox, when set, is called inside the transaction once the case
	// number is assigned; its rows are written with Outbox (task cards
	// carry the number).
	BuildOutbox func(c *Case) ([]Outbox, error)
	// Deadlines are the stage clocks the case starts with (IDs filled in;
	// CaseID is set by CreateCase).
	Deadlines []Deadline
}

// CaseFilter selects cases. Nil or empty fields do not filter.
type CaseFilter struct {
	Status     string
	Department string
	Phone      string
	ResidentID string
	Since      *time.Time
	// Until keeps cases created before it.
	Until *time.Time
	// Statuses keeps cases in any of these statuses (OpenStatuses: the open ones).
	Statuses []string
	Category string
	Source   string
	Major    *bool
	// Address keeps cases with exactly this address (duplicate check).
	Address string
	// Query keeps cases whose number, name, address, phone or complaint
	// text contains it; a phone typed with spaces or dashes matches its
	// digits (the console's search).
	Query string
	// OverdueAt keeps cases with a running deadline due before it.
	OverdueAt *time.Time
	// DueFrom and DueTo keep cases with a running (or parked) deadline due
	// in [DueFrom, DueTo): the console's 今日到期 view.
	DueFrom, DueTo *time.Time
	// RunningStage keeps cases whose deadline of this stage still runs
	// (StageMajorAck: major cases no leader has acknowledged, 重大未阅).
	RunningStage string
	// Assignee keeps cases whose work row names this roster ID as the one
	// who accepted them (待我处理).
	Assignee string
	// After keeps the cases that come after this one in the list's order
	// (newest first): cursor paging, stable while cases are filed.
	After  *Cursor
	Offset int
	Limit  int // 0 means 50; at most 500
}

// Cursor is a position in a list ordered newest first: the CreatedAt and
// ID of the last row of the previous page.
type Cursor struct {
	CreatedAt time.Time
	ID        uint64
}

// CaseService stores cases and their timelines.
type CaseService interface {
	// CreateCase assigns the next case number for the day, then writes the
	// case, its first event and its outbox rows (Outbox and BuildOutbox's)
	// in one transaction. BuildOutbox's rows are appended to nc.Outbox and
	// every row in nc.Outbox has its ID filled in on return. It is
	// idempotent on Case.DraftKey: a second call with the same key returns the
	// case filed by the first and created=false. Returns EUNAVAILABLE when
	// the database cannot be reached.
	CreateCase(ctx context.Context, nc *NewCase) (c *Case, created bool, err error)
	// SupplementCase fills contact fields that an emergency filing left
	// empty (PRODUCT A4): non-empty fields of c among Name, Address, Phone,
	// Details, Expectation and Attachments replace the stored ones; the event
	// and outbox rows are written in the same transaction, Version+1.
	// Returns ENOTFOUND if no case has that number.
	SupplementCase(ctx context.Context, number string, c *Case, ev CaseEvent, outbox []Outbox) (*Case, error)
	// FindCaseByNumber returns ENOTFOUND if no case has that number.
	FindCaseByNumber(ctx context.Context, number string) (*Case, error)
	// FindCases returns the matching cases, newest first, and the total count.
	FindCases(ctx context.Context, f CaseFilter) ([]*Case, int, error)
	// CaseEvents returns the case's timeline, oldest first.
	CaseEvents(ctx context.Context, caseID uint64) ([]*CaseEvent, error)
}
