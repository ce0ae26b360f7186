package remind

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"

	"tapline/bot"
)

// TypeFire is the asynq task type that fires one step of a deadline.
const TypeFire = "deadline:fire"

// taskTimeout bounds one firing.
const taskTimeout = 30 * time.Second

type firePayload struct {
	ID   uint64 `json:"id"`
	Step int    `json:"step"`
}

// AsynqArmer arms firing tasks on asynq. A task's ID names the deadline,
// the step and the second it runs, so arming the same step twice for the
// same second (after commit and from the reconciler, or from two replicas)
// is a no-op; any other duplicate is harmless, the row's step fences it.
type AsynqArmer struct {
	client *asynq.Client
	queue  string
	clock  bot.Clock
}

// NewAsynqArmer returns an armer on client's queue for deadlines whose
// times are on clock (nil: the system clock).
func NewAsynqArmer(client *asynq.Client, queue string, clock bot.Clock) *AsynqArmer {
	if clock == nil {
		clock = bot.SystemClock{}
	}
	return &AsynqArmer{client: client, queue: queue, clock: clock}
}

// Arm implements Armer. A zero or past at means now. asynq schedules on
// the system clock: a step due in d on the deadlines' clock is armed d
// from now.
func (a *AsynqArmer) Arm(ctx context.Context, id uint64, step int, at time.Time) error {
	data, err := json.Marshal(firePayload{ID: id, Step: step})
	if err != nil {
		return fmt.Errorf("arm deadline: %w", err)
	}
	processAt := time.Now()
	if !at.IsZero() {
		processAt = processAt.Add(max(at.Sub(a.clock.Now()), 0))
	}
	if t := processAt.Truncate(time.Second); t.Before(processAt) { // asynq keeps whole seconds
		processAt = t.Add(time.Second)
	}
	tid := fmt.Sprintf("deadline:%d:%d:%d", id, step, processAt.Unix())
	_, err = a.client.EnqueueContext(ctx, asynq.NewTask(TypeFire, data), asynq.Queue(a.queue), asynq.TaskID(tid),
		asynq.ProcessAt(processAt), asynq.MaxRetry(3), asynq.Timeout(taskTimeout))
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) && !errors.Is(err, asynq.ErrDuplicateTask) {
		return fmt.Errorf("arm deadline %d: %w", id, err)
	}
	return nil
}

// HandleFire is the asynq handler of TypeFire.
func (s *Service) HandleFire(ctx context.Context, t *asynq.Task) error {
	var p firePayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil || p.ID == 0 {
		return fmt.Errorf("remind: bad task payload: %w", asynq.SkipRetry)
	}
	return s.Fire(ctx, p.ID, p.Step)
}

// Reconciler re-arms deadlines whose task was lost (Redis flushed, the
// embedded default restarted, a worker crashed) and arms the ones due
// before its next run. Safe on every replica.
type Reconciler struct {
	s        *Service
	clock    bot.Clock
	log      *slog.Logger
	interval time.Duration
}

// NewReconciler returns a Reconciler running every interval.
func NewReconciler(s *Service, interval time.Duration) *Reconciler {
	return &Reconciler{s: s, clock: s.clock, log: s.log, interval: interval}
}

// Once arms the steps due before the next run and returns how many.
func (r *Reconciler) Once(ctx context.Context) (int, error) {
	now := r.clock.Now()
	due, err := r.s.deadlines.DueDeadlines(ctx, now.Add(r.interval), 500)
	if err != nil {
		return 0, fmt.Errorf("reconcile deadlines: %w", err)
	}
	var errs []error
	for _, d := range due {
		at := d.NextAt
		if !at.After(now) {
			at = time.Time{} // due on the service's clock: now
		}
		if err := r.s.arm.Arm(ctx, d.ID, d.Step, at); err != nil {
			errs = append(errs, err)
		}
	}
	return len(due), errors.Join(errs...)
}

// Run calls Once now and then every interval until ctx ends.
func (r *Reconciler) Run(ctx context.Context) {
	t := time.NewTicker(r.interval)
	defer t.Stop()
	for {
		if _, err := r.Once(ctx); err != nil && ctx.Err() == nil {
			r.log.Warn("reconcile deadlines", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
