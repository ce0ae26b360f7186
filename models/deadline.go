package models

import (
	"context"
	"time"
)

// Deadline stages (PRODUCT D1–D3, C1). Each runs while the case is in one
// status, except the two major-complaint clocks, which run until a leader
// acts (policy 4.1.3).
const (
	StageAccept    = "accept"    // the department takes the case on (policy 4.2.1)
	StageMeasures  = "measures"  // the department proposes measures (policy 4.2.5)
	StageApprove   = "approve"   // the approver decides on them (policy 4.2.7)
	StageResolve   = "resolve"   // the agreed measures are carried out (policy 4.3.1)
	StageFeedback  = "feedback"  // the head confirms and feeds back the same day (policy 4.3.3)
	StageCallback  = "callback"  // the hotline calls the resident back (policy 3.1)
	StageMajorAck  = "major_ack" // a leader acknowledges a major complaint within 30 minutes (policy 4.1.3)
	StageAuthority = "authority" // an urgent major complaint is reported to the housing authority (policy 4.1.3)
)

// AllStages lists every deadline stage.
var AllStages = []string{StageAccept, StageMeasures, StageApprove, StageResolve, StageFeedback, StageCallback,
	StageMajorAck, StageAuthority}

// Deadline statuses.
const (
	DeadlineRunning = "running" // the clock runs; NextAt is the next reminder, warning or escalation
	DeadlineDone    = "done"    // the stage was completed (or left) before the case moved on
	DeadlineDropped = "dropped" // its case vanished or no longer matched: never fires again
	// DeadlineParked: its firing failed the same way too often; it is no
	// longer retried until an operator resumes it (GET /api/v1/parked).
	DeadlineParked = "parked"
	// DeadlinePaused: the case is suspended (挂起); Remaining keeps the
	// allowance left, and resuming starts the clock again with it.
	DeadlinePaused = "paused"
)

// Deadline is the clock of one stage of one case: the truth behind the
// reminder tasks (ARCHITECTURE: timers are rows, asynq tasks the trigger).
// Step counts the firings done; a firing applies only to the row's current
// Step, so each reminder goes out once however many workers hold a task.
type Deadline struct {
	ID        uint64    `gorm:"primaryKey;autoIncrement"`
	CaseID    uint64    `gorm:"not null;index:idx_deadline_case_stage,priority:1"` // the ledger's verdicts read this index alone
	Stage     string    `gorm:"size:32;not null;index:idx_deadline_case_stage,priority:2"`
	Status    string    `gorm:"size:16;not null;index:idx_deadline_due,priority:1;index:idx_deadline_case_stage,priority:3"`
	Wall      bool      `gorm:"not null;default:false"` // wall time (major, safety) rather than business time
	StartedAt time.Time `gorm:"not null"`
	DueAt     time.Time `gorm:"not null;index;index:idx_deadline_case_stage,priority:4"`
	Step      int       `gorm:"not null;default:0"`
	NextAt    time.Time `gorm:"not null;index:idx_deadline_due,priority:2"`
	Level     int       `gorm:"not null;default:0"` // highest escalation level reached
	// Failures counts the consecutive failed firings of the current step
	// that failed with LastError; a success clears both.
	Failures  int        `gorm:"not null;default:0"`
	LastError string     `gorm:"size:512"`
	DoneAt    *time.Time `gorm:"index:idx_deadline_case_stage,priority:5"`
	// RemainingMs is the allowance left (milliseconds, on the deadline's
	// clock) while the deadline is paused.
	RemainingMs int64 `gorm:"not null;default:0"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Warning is a late stage recorded against the department and the person
// responsible, for the monthly assessment (policy 6.1, 6.2).
type Warning struct {
	ID          uint64    `gorm:"primaryKey;autoIncrement"`
	CaseID      uint64    `gorm:"index;not null"`
	DeadlineID  uint64    `gorm:"uniqueIndex;not null"` // one warning per deadline
	Stage       string    `gorm:"size:32;not null"`
	Department  string    `gorm:"size:32;index;not null"`
	Responsible string    `gorm:"size:64"` // roster ID
	DueAt       time.Time `gorm:"not null"`
	CreatedAt   time.Time `gorm:"index"`
}

// Firing is what one step of a deadline writes, atomically: the row moves
// past the step (or stops when Next is zero), and the messages, the event
// and the warning are written with it.
type Firing struct {
	DeadlineID uint64
	Step       int // the step being fired: must equal the row's Step
	// Through is the last step the firing covers: the steps after Step up
	// to it were due too and are folded into it; the row moves to
	// Through+1. Less than Step means Step.
	Through int
	Now     time.Time // must be at or after the row's NextAt
	Next    time.Time // the next step's time; zero: the clock stops (dropped)
	Level   int
	Event   *CaseEvent
	Warning *Warning
	Outbox  []Outbox
	Digest  []DigestLine // reminder lines merged per group into one message
	// Render builds a digest message from its lines (kind and payload of
	// an outbox row); required when Digest is not empty.
	Render func(lines []string) (kind, payload string, err error)
	// Window is how long a digest collects lines before it is sent.
	Window time.Duration
}

// DigestLine is one reminder line for a group. Lines for the same group in
// the same Window are sent as one message (PRODUCT D2: many reminders to
// one group at once are one digest, inside the robots' 20-a-minute limit).
type DigestLine struct {
	Channel  string
	Target   string
	Audience string
	Line     string
}

// Incident links the complaints of several households about one problem in
// one place (PRODUCT A7; policy 4.1.3 群体性投诉).
type Incident struct {
	ID         uint64  `gorm:"primaryKey;autoIncrement"`
	OpenKey    *string `gorm:"size:160;uniqueIndex"` // category|area while open; nil once closed
	Category   string  `gorm:"size:32;not null"`
	AreaKey    string  `gorm:"size:64;not null"`
	LeadCaseID uint64  `gorm:"not null"`
	Households int     `gorm:"not null"`
	FirstAt    time.Time
	LastAt     time.Time
	CreatedAt  time.Time
	// CardKey is the TaskID of the incident's leadership card, updated in
	// place as households join.
	CardKey string `gorm:"size:128"`
}

// Cluster asks to link case CaseID to the open incident of its category and
// area, creating one when at least Threshold households complained since
// Since. MarkMajor is written on every linked case not yet major; Build is
// called once when the incident is created, inside the transaction, for the
// alert rows and the deadlines it starts. An incident keeps one running
// acknowledgement clock (policy 4.1.3: one acknowledgement covers it): the
// oldest of its cases'; the others are dropped.
type Cluster struct {
	CaseID    uint64
	Category  string
	AreaKey   string
	Since     time.Time
	Now       time.Time
	Threshold int
	Event     CaseEvent // written on each case that becomes major
	Build     func(inc *Incident, cases []*Case) ([]Outbox, []Deadline, error)
	// Join, when set, is called inside the transaction when cases join an
	// open incident (all its cases, oldest first), for the rows that
	// update its card.
	Join func(inc *Incident, cases []*Case) ([]Outbox, error)
}

// DeadlineService stores deadlines, their firings, warnings and incidents.
type DeadlineService interface {
	// FindDeadline returns ENOTFOUND if it does not exist.
	FindDeadline(ctx context.Context, id uint64) (*Deadline, error)
	// CaseDeadlines returns a case's deadlines, oldest first.
	CaseDeadlines(ctx context.Context, caseID uint64) ([]*Deadline, error)
	// RunningDeadlines returns the running deadlines of these cases, in one
	// read.
	RunningDeadlines(ctx context.Context, caseIDs []uint64) ([]*Deadline, error)
	// DueDeadlines returns running deadlines whose NextAt is before until.
	DueDeadlines(ctx context.Context, until time.Time, limit int) ([]*Deadline, error)
	// Fire applies f in one transaction. Returns ECONFLICT when the row is
	// no longer running at f.Step with NextAt <= f.Now (fired by another
	// worker or stopped): nothing is written.
	Fire(ctx context.Context, f *Firing) error
	// DropDeadline stops a running deadline that must not fire (its case
	// vanished or moved on).
	DropDeadline(ctx context.Context, id uint64, now time.Time) error
	// Warnings returns the warnings recorded since since, oldest first.
	Warnings(ctx context.Context, since time.Time) ([]*Warning, error)
	// LinkIncident applies cl (see Cluster); it returns the incident (nil
	// when the threshold is not reached), whether it was created now, and
	// the deadlines and outbox rows written.
	LinkIncident(ctx context.Context, cl *Cluster) (inc *Incident, created bool, rows []Outbox, dls []Deadline, err error)
	// IncidentCases returns the cases linked to an incident, oldest first.
	IncidentCases(ctx context.Context, incidentID uint64) ([]*Case, error)
	// AreaAlerts returns the major cases of a category and area created
	// since since, oldest first (at most limit), and the open incident of
	// that category and area active since then (nil if none).
	AreaAlerts(ctx context.Context, category, area string, since time.Time, limit int) ([]*Case, *Incident, error)
	// FireFailed records that firing step of deadline id failed with msg:
	// Failures+1 when the last failure had the same message, else 1. At
	// limit failures (limit > 0) the deadline is parked. It returns whether
	// it was parked now and the count; nothing is written (false, 0) when
	// the row has left that step meanwhile.
	FireFailed(ctx context.Context, id uint64, step int, msg string, now time.Time, limit int) (parked bool, failures int, err error)
	// ParkedDeadlines returns the parked deadlines, most recently parked
	// first.
	ParkedDeadlines(ctx context.Context, limit int) ([]*Deadline, error)
	// ResumeDeadline runs a parked deadline again from its current step,
	// due at now, its failures cleared. Returns ENOTFOUND if it does not
	// exist, ECONFLICT if it is not parked.
	ResumeDeadline(ctx context.Context, id uint64, now time.Time) (*Deadline, error)
}
