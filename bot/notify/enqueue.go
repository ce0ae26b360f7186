package notify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"

	"tapline/bot"
	"tapline/models"
)

// Scheduler arms delivery tasks. *Enqueuer implements it; the Deliverer
// and the Reconciler use it.
type Scheduler interface {
	// Enqueue arms a task for each pending row at the row's NextAt.
	Enqueue(ctx context.Context, ids ...uint64) error
	// EnqueueAt arms a task for row id at at.
	EnqueueAt(ctx context.Context, id uint64, at time.Time) error
}

// taskTimeout bounds one delivery task; it stays below the claim lease so
// a stuck send cannot outlive its lease.
const taskTimeout = 45 * time.Second

// Enqueuer arms delivery tasks on asynq. Every task has the ID
// "outbox:<row>:<NextAt in ms>", so arming the same due row twice (after
// commit and from the reconciler, or from two replicas) is a no-op.
// Tasks have MaxRetry(0): the row's own schedule is the truth.
type Enqueuer struct {
	client *asynq.Client
	outbox models.OutboxService
	queue  string
	clock  bot.Clock
}

// EnqueuerOption configures an Enqueuer.
type EnqueuerOption func(*Enqueuer)

// WithQueue sets the asynq queue (default DefaultQueue).
func WithQueue(name string) EnqueuerOption {
	return func(e *Enqueuer) { e.queue = name }
}

// WithEnqueueClock sets the clock the rows' times are on (default the
// system clock); asynq itself schedules on the system clock, so a row due
// in d on this clock is armed d from now.
func WithEnqueueClock(c bot.Clock) EnqueuerOption {
	return func(e *Enqueuer) { e.clock = c }
}

// NewEnqueuer returns an Enqueuer on client that reads rows from outbox.
func NewEnqueuer(client *asynq.Client, outbox models.OutboxService, opts ...EnqueuerOption) *Enqueuer {
	e := &Enqueuer{client: client, outbox: outbox, queue: DefaultQueue, clock: bot.SystemClock{}}
	for _, o := range opts {
		o(e)
	}
	return e
}

// Queue returns the asynq queue the Enqueuer uses.
func (e *Enqueuer) Queue() string { return e.queue }

// Enqueue arms a task for each pending row at its NextAt (now if past).
// Rows that are gone, sent or failed are skipped. It tries every ID and
// returns the joined errors.
func (e *Enqueuer) Enqueue(ctx context.Context, ids ...uint64) error {
	var errs []error
	for _, id := range ids {
		row, err := e.outbox.FindOutbox(ctx, id)
		switch {
		case models.ErrorCode(err) == models.ENOTFOUND:
			continue
		case err != nil:
			errs = append(errs, fmt.Errorf("enqueue outbox %d: %w", id, err))
			continue
		case row.Status != models.OutboxPending:
			continue
		}
		if err := e.EnqueueAt(ctx, id, row.NextAt); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// EnqueueAt arms a task for row id at at. A task with the same ID already
// armed counts as success.
func (e *Enqueuer) EnqueueAt(ctx context.Context, id uint64, at time.Time) error {
	task, err := NewDeliverTask(id)
	if err != nil {
		return err
	}
	processAt := time.Now()
	if wait := at.Sub(e.clock.Now()); wait > 0 { // asynq schedules on the system clock
		processAt = ceilSecond(time.Now().Add(wait))
	}
	_, err = e.client.EnqueueContext(ctx, task,
		asynq.Queue(e.queue), asynq.TaskID(taskID(id, at)), asynq.ProcessAt(processAt),
		asynq.MaxRetry(0), asynq.Timeout(taskTimeout))
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) && !errors.Is(err, asynq.ErrDuplicateTask) {
		return fmt.Errorf("enqueue outbox %d: %w", id, err)
	}
	return nil
}

// ceilSecond rounds at up to a whole second. asynq keeps ProcessAt as Unix
// seconds and runs a task once its second has begun, so a task armed for
// 12:00:05.5 would run at 12:00:05.0, find the row not yet due and end,
// stranding the row until the Reconciler (seen in TestEndToEndAsynqWeCom).
func ceilSecond(at time.Time) time.Time {
	if t := at.Truncate(time.Second); t.Before(at) {
		return t.Add(time.Second)
	}
	return at
}

// Rearm arms each pending row again for the reconciler: a row not due yet
// as Enqueue does; a row due now on the Enqueuer's clock under a task ID
// of its own ("…:due"), so that it runs now even when the task armed for
// its time is still waiting in asynq, which schedules on the system clock
// (a service clock ahead of it, a replica's clock that differs). Claiming
// keeps a row to one delivery whichever task runs first.
func (e *Enqueuer) Rearm(ctx context.Context, ids ...uint64) error {
	var errs []error
	now := e.clock.Now()
	for _, id := range ids {
		row, err := e.outbox.FindOutbox(ctx, id)
		switch {
		case models.ErrorCode(err) == models.ENOTFOUND:
			continue
		case err != nil:
			errs = append(errs, fmt.Errorf("rearm outbox %d: %w", id, err))
			continue
		case row.Status != models.OutboxPending:
			continue
		case row.NextAt.After(now):
			err = e.EnqueueAt(ctx, id, row.NextAt)
		default:
			err = e.enqueueDue(ctx, id, row.NextAt)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// enqueueDue arms a due row now under its due task ID.
func (e *Enqueuer) enqueueDue(ctx context.Context, id uint64, at time.Time) error {
	task, err := NewDeliverTask(id)
	if err != nil {
		return err
	}
	_, err = e.client.EnqueueContext(ctx, task, asynq.Queue(e.queue), asynq.TaskID(taskID(id, at)+":due"),
		asynq.MaxRetry(0), asynq.Timeout(taskTimeout))
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) && !errors.Is(err, asynq.ErrDuplicateTask) {
		return fmt.Errorf("rearm outbox %d: %w", id, err)
	}
	return nil
}
