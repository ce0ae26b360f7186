package models

import (
	"context"
	"time"
)

// Measure kinds: handling measures (policy 4.2.7) or the explanation of an
// unfounded complaint (policy 4.2.6).
const (
	MeasureKindMeasures  = "measures"
	MeasureKindUnfounded = "unfounded"
)

// Approval decisions (policy 4.2.7).
const (
	DecisionApprove = "approve"
	DecisionReject  = "reject"
)

// CaseWork is the working state of a case beside the case row: who holds
// it, the negotiation round, the current measures and an open question to
// the resident. One row per case, written only by CaseworkService.Apply
// under the case's Version.
type CaseWork struct {
	CaseID          uint64 `gorm:"primaryKey;autoIncrement:false"`
	Assignee        string `gorm:"size:64;index"`      // roster ID of who accepted it
	Round           int    `gorm:"not null;default:0"` // negotiation rounds put to the resident (policy 4.3.2)
	MeasureVersion  int    `gorm:"not null;default:0"` // current Measure version, 0 = none
	Unfounded       bool   `gorm:"not null;default:false"`
	PendingQuestion string `gorm:"type:text"` // a question relayed to the resident, not yet answered
	QuestionBy      string `gorm:"size:64"`
	QuestionAt      *time.Time
	// SuspendedAt is set while the case is suspended (挂起): its clocks are
	// paused; SuspendReason says why.
	SuspendedAt   *time.Time
	SuspendReason string `gorm:"type:text"`
	UpdatedAt     time.Time
}

// TableName names the table.
func (CaseWork) TableName() string { return "case_work" }

// Measure is one version of a case's handling measures or unfounded
// explanation. A new proposal supersedes the previous version; approvals
// are bound to a version.
type Measure struct {
	ID        uint64 `gorm:"primaryKey;autoIncrement"`
	CaseID    uint64 `gorm:"not null;uniqueIndex:idx_measure_version,priority:1"`
	Version   int    `gorm:"not null;uniqueIndex:idx_measure_version,priority:2"`
	Kind      string `gorm:"size:16;not null"`
	Text      string `gorm:"type:text;not null"`
	Proposer  string `gorm:"size:64;not null"`
	CreatedAt time.Time
}

// Approval is an approver's decision on one exact measure version (policy
// 4.2.7, PRODUCT C2).
type Approval struct {
	ID             uint64 `gorm:"primaryKey;autoIncrement"`
	CaseID         uint64 `gorm:"index;not null"`
	MeasureID      uint64 `gorm:"index;not null"`
	MeasureVersion int    `gorm:"not null"`
	Approver       string `gorm:"size:64;not null"`
	Role           string `gorm:"size:32;not null"`
	Decision       string `gorm:"size:16;not null"`
	Reason         string `gorm:"type:text"`
	CreatedAt      time.Time
}

// Transition is one lifecycle step written atomically by
// CaseworkService.Apply.
type Transition struct {
	CaseID     uint64
	Version    int    // the case Version the step was decided on (optimistic lock)
	ToStatus   string // new status; may equal the current one (notes, questions)
	Department string // non-empty: the case moves to this department (transfer)
	Event      CaseEvent
	Work       *CaseWork // non-nil: replaces the case's work row
	Measure    *Measure  // non-nil: a new measure version
	Approval   *Approval // non-nil: a decision; MeasureID is filled from Measure when zero
	Outbox     []Outbox
	// Deadlines are started with the step; their IDs are filled in.
	Deadlines []Deadline
	// StopStages are the stages whose running deadlines stop (done).
	StopStages []string
	// StopIncident, when set, stops StopStages on every case of that
	// incident too (one acknowledgement covers a group complaint).
	StopIncident uint64
	// Major, when set, flags the case major (policy 4.1.3) in the same step.
	Major *MajorFlag
	// CallBack, when set, is a call-back attempt written with the step.
	CallBack *CallBack
	// PauseClocks pause running deadlines with the allowance left;
	// ResumeClocks start paused ones again on their new times.
	PauseClocks  []PausedClock
	ResumeClocks []ResumedClock
}

// PausedClock is a running deadline being paused with what is left of it.
type PausedClock struct {
	ID        uint64
	Remaining time.Duration
}

// ResumedClock is a paused deadline started again: its new start, due and
// next firing times (its step is kept).
type ResumedClock struct {
	ID                       uint64
	StartedAt, DueAt, NextAt time.Time
}

// MajorFlag makes a case major: which criterion of policy 4.1.3 fired, and
// whether it is urgent (reported on to the housing authority).
type MajorFlag struct {
	Reason string
	Urgent bool
}

// CaseworkService stores the lifecycle of cases (policy section 4).
type CaseworkService interface {
	// Apply writes t in one transaction: the case's status (and department),
	// Version+1, the event, the work row, the measure, the approval and the
	// outbox rows. It returns the updated case; t.Event, t.Measure,
	// t.Approval and t.Outbox have their IDs filled in. Returns ENOTFOUND
	// if the case does not exist and ECONFLICT if its Version is no longer
	// t.Version (someone else acted first: reload and decide again).
	Apply(ctx context.Context, t *Transition) (*Case, error)
	// FindCaseByID returns ENOTFOUND if no case has that ID.
	FindCaseByID(ctx context.Context, id uint64) (*Case, error)
	// CaseWork returns the case's work row, or a zero row (CaseID set) when
	// nothing has been recorded yet.
	CaseWork(ctx context.Context, caseID uint64) (*CaseWork, error)
	// Measures returns the case's measure versions, oldest first.
	Measures(ctx context.Context, caseID uint64) ([]*Measure, error)
	// Approvals returns the case's approval decisions, oldest first.
	Approvals(ctx context.Context, caseID uint64) ([]*Approval, error)
	// LastEventBy returns the newest event of type typ by actor created at
	// or after since, ENOTFOUND if there is none.
	LastEventBy(ctx context.Context, actor, typ string, since time.Time) (*CaseEvent, error)
}
