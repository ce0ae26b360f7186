// Package remind runs the deadlines of a case's stages (PRODUCT D1–D3, C1):
// reminders before a deadline, a warning when it passes (policy 6.1),
// escalation up the ladder until the stage is done, and the 30-minute
// acknowledgement clock of major complaints (policy 4.1.3). Deadlines are
// rows (the truth); asynq tasks trigger them; a reconciler re-arms what a
// Redis flush or a crash lost; a firing is fenced by the row's step, so
// each reminder goes out once however many workers hold its task.
package remind

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"tapline/bot"
	"tapline/bot/address"
	"tapline/models"
)

// Armer schedules the task that fires step of deadline id at at.
type Armer interface {
	Arm(ctx context.Context, id uint64, step int, at time.Time) error
}

// Enqueuer hands outbox rows to the delivery queue.
type Enqueuer interface {
	Enqueue(ctx context.Context, ids ...uint64) error
}

// Cases is what the service reads of cases.
type Cases interface {
	FindCaseByID(ctx context.Context, id uint64) (*models.Case, error)
	CaseWork(ctx context.Context, caseID uint64) (*models.CaseWork, error)
}

// Service fires deadlines.
type Service struct {
	plan      Plan
	deadlines models.DeadlineService
	cases     Cases
	book      address.Book
	arm       Armer
	enq       Enqueuer
	clock     bot.Clock
	log       *slog.Logger
	loc       *time.Location
	parkAfter int
	outbox    models.OutboxService
	settle    time.Duration
	hold      time.Duration
}

// Option configures a Service.
type Option func(*Service)

// WithLocation sets the zone times are shown in (default UTC+8).
func WithLocation(loc *time.Location) Option { return func(s *Service) { s.loc = loc } }

// DefaultParkAfter is how many identical failures of one step park its
// deadline.
const DefaultParkAfter = 5

// WithOutbox lets the service withdraw the waiting alert of a case that
// joined the card of its place (see Withdraw).
func WithOutbox(o models.OutboxService) Option { return func(s *Service) { s.outbox = o } }

// WithAlertTiming sets how long card updates settle and how long the alert
// of a case without an address waits for it (DefaultAlertSettle,
// DefaultAlertHold).
func WithAlertTiming(settle, hold time.Duration) Option {
	return func(s *Service) { s.settle, s.hold = settle, hold }
}

// WithParkAfter sets how many identical failures of one step park its
// deadline (default DefaultParkAfter; at least 1).
func WithParkAfter(n int) Option { return func(s *Service) { s.parkAfter = max(n, 1) } }

// New returns a Service.
func New(plan Plan, deadlines models.DeadlineService, cases Cases, book address.Book, arm Armer, enq Enqueuer,
	clock bot.Clock, log *slog.Logger, opts ...Option) *Service {
	s := &Service{plan: plan, deadlines: deadlines, cases: cases, book: book, arm: arm, enq: enq,
		clock: clock, log: log.With("component", "remind"), loc: models.CST,
		parkAfter: DefaultParkAfter, settle: DefaultAlertSettle, hold: DefaultAlertHold}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Plan returns the service's plan.
func (s *Service) Plan() Plan { return s.plan }

// ArmAll arms the first pending step of each deadline (after the
// transaction that started them committed). Failures are logged: the
// reconciler arms them later.
func (s *Service) ArmAll(ctx context.Context, dls []models.Deadline) {
	for _, d := range dls {
		if d.ID == 0 || d.Status != models.DeadlineRunning {
			continue
		}
		if err := s.arm.Arm(ctx, d.ID, d.Step, d.NextAt); err != nil {
			s.log.WarnContext(ctx, "arm deadline failed; reconciler will retry", "deadline", d.ID, "err", err)
		}
	}
}

// Due returns, for each of the cases, its running deadline that falls
// due first (none when no stage clock runs): the due times 待办 shows, in
// one read.
func (s *Service) Due(ctx context.Context, caseIDs []uint64) (map[uint64]*models.Deadline, error) {
	dls, err := s.deadlines.RunningDeadlines(ctx, caseIDs)
	if err != nil {
		return nil, fmt.Errorf("remind: due: %w", err)
	}
	first := map[uint64]*models.Deadline{}
	for _, d := range dls {
		if f := first[d.CaseID]; f == nil || d.DueAt.Before(f.DueAt) {
			first[d.CaseID] = d
		}
	}
	return first, nil
}
