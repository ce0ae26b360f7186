package notify

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"tapline/bot"
	"tapline/models"
)

// Defaults of the Reconciler.
const (
	DefaultReconcileInterval = 15 * time.Second
	DefaultReconcileBatch    = 500
)

// Reconciler re-arms due outbox rows: rows whose task was lost (Redis
// restarted, enqueue failed after commit) and rows whose lease expired
// because a worker died mid-delivery. It is safe on every replica: task IDs
// dedupe the tasks and ClaimOutbox lets one worker send.
type Reconciler struct {
	outbox   models.OutboxService
	sched    Scheduler
	clock    bot.Clock
	logger   *slog.Logger
	interval time.Duration
	batch    int
}

// ReconcilerOption configures a Reconciler.
type ReconcilerOption func(*Reconciler)

// WithInterval sets the pause between runs (default 15 s).
func WithInterval(d time.Duration) ReconcilerOption {
	return func(r *Reconciler) { r.interval = d }
}

// WithBatch sets how many due rows one run re-arms at most (default 500).
func WithBatch(n int) ReconcilerOption {
	return func(r *Reconciler) { r.batch = max(n, 1) }
}

// NewReconciler returns a Reconciler that arms due rows through sched.
func NewReconciler(outbox models.OutboxService, sched Scheduler, clock bot.Clock, logger *slog.Logger,
	opts ...ReconcilerOption) *Reconciler {
	r := &Reconciler{outbox: outbox, sched: sched, clock: clock,
		logger:   logger.With("component", "notify.reconciler"),
		interval: DefaultReconcileInterval, batch: DefaultReconcileBatch}
	for _, o := range opts {
		o(r)
	}
	return r
}

// Once re-arms the rows due now and returns how many it found.
func (r *Reconciler) Once(ctx context.Context) (int, error) {
	ids, err := r.outbox.DueOutbox(ctx, r.clock.Now(), r.batch)
	if err != nil {
		return 0, fmt.Errorf("reconcile outbox: %w", err)
	}
	if len(ids) == 0 {
		return 0, nil
	}
	arm := r.sched.Enqueue
	if re, ok := r.sched.(rearmer); ok {
		arm = re.Rearm
	}
	if err := arm(ctx, ids...); err != nil {
		return len(ids), fmt.Errorf("reconcile outbox: %w", err)
	}
	return len(ids), nil
}

// rearmer is a Scheduler that can arm due rows afresh (the *Enqueuer's
// Rearm); the Reconciler prefers it to Enqueue.
type rearmer interface {
	Rearm(ctx context.Context, ids ...uint64) error
}

// Run calls Once now and then every interval until ctx ends. Errors are
// logged; the next run tries again.
func (r *Reconciler) Run(ctx context.Context) {
	t := time.NewTicker(r.interval)
	defer t.Stop()
	for {
		n, err := r.Once(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			r.logger.Warn("reconcile outbox", "err", err)
		case n > 0:
			r.logger.Debug("re-armed due outbox rows", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
