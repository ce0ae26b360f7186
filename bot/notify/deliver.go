package notify

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"time"

	"github.com/hibiken/asynq"

	"tapline/bot"
	"tapline/models"
)

// Defaults of the Deliverer.
const (
	DefaultLease  = 60 * time.Second // claim lease of one attempt
	DefaultBudget = 12               // attempts before a row fails
	limiterRetry  = 5 * time.Second  // wait when the limiter itself failed
	recordTimeout = 10 * time.Second // bound of the bookkeeping after a send
)

// DefaultBackoff is the wait after the n-th failed attempt (the last value
// repeats).
var DefaultBackoff = []time.Duration{
	10 * time.Second, 30 * time.Second, time.Minute, 2 * time.Minute,
	5 * time.Minute, 10 * time.Minute, 30 * time.Minute, time.Hour,
}

// Deliverer delivers outbox rows: claim, rate limit, send, record. It is
// safe for concurrent use by several workers and replicas: ClaimOutbox
// guarantees that one worker at a time holds a row.
type Deliverer struct {
	outbox   models.OutboxService
	senders  map[string]bot.Sender
	rows     map[string]RowSender
	limiter  Limiter
	clock    bot.Clock
	logger   *slog.Logger
	sched    Scheduler
	observe  func(channel string, ok bool)
	onFailed func(ctx context.Context, row *models.Outbox, err error)
	lease    time.Duration
	budget   int
	backoff  []time.Duration
	limited  map[string]bool
	noUpdate map[string]bool
	maxError int
}

// DelivererOption configures a Deliverer.
type DelivererOption func(*Deliverer)

// WithOnFailed is called once when a row fails for good (permanent error
// or retry budget spent), e.g. to flag a resident for a phone call.
func WithOnFailed(f func(ctx context.Context, row *models.Outbox, err error)) DelivererOption {
	return func(d *Deliverer) { d.onFailed = f }
}

// WithScheduler arms the next attempt after a retry or a rate-limit
// reschedule (normally the *Enqueuer). Without it the Reconciler picks the
// row up when it is due.
func WithScheduler(s Scheduler) DelivererOption {
	return func(d *Deliverer) { d.sched = s }
}

// WithObserver is called after every attempt with the row's channel and
// whether the message was delivered (for Prometheus counters).
func WithObserver(f func(channel string, ok bool)) DelivererOption {
	return func(d *Deliverer) { d.observe = f }
}

// WithLease sets the claim lease (default DefaultLease); a send is cut
// after three quarters of it.
func WithLease(lease time.Duration) DelivererOption {
	return func(d *Deliverer) { d.lease = lease }
}

// WithBudget sets how many attempts a row gets before it fails (default
// DefaultBudget).
func WithBudget(n int) DelivererOption {
	return func(d *Deliverer) { d.budget = max(n, 1) }
}

// WithBackoff sets the waits after failed attempts (default
// DefaultBackoff).
func WithBackoff(waits ...time.Duration) DelivererOption {
	return func(d *Deliverer) {
		if len(waits) > 0 {
			d.backoff = waits
		}
	}
}

// WithRowSender delivers the rows of channel with s (event webhooks),
// instead of a chat Sender.
func WithRowSender(channel string, s RowSender) DelivererOption {
	return func(d *Deliverer) { d.rows[channel] = s }
}

// WithLimitedChannels sets the channels whose targets share the limiter's
// per-target rate (default: the WeCom and DingTalk group robots, 20/min).
func WithLimitedChannels(channels ...string) DelivererOption {
	return func(d *Deliverer) {
		d.limited = map[string]bool{}
		for _, c := range channels {
			d.limited[c] = true
		}
	}
}

// NewDeliverer returns a Deliverer. senders is keyed by models.Channel*;
// limiter may be nil (no rate limit).
func NewDeliverer(outbox models.OutboxService, senders map[string]bot.Sender, limiter Limiter,
	clock bot.Clock, logger *slog.Logger, opts ...DelivererOption) *Deliverer {
	d := &Deliverer{
		outbox: outbox, senders: maps.Clone(senders), rows: map[string]RowSender{}, limiter: limiter, clock: clock,
		logger: logger.With("component", "notify"), lease: DefaultLease,
		budget: DefaultBudget, backoff: DefaultBackoff, maxError: 500,
		limited:  map[string]bool{models.ChannelWeComRobot: true, models.ChannelDingTalkRobot: true},
		noUpdate: map[string]bool{models.ChannelWeComRobot: true, models.ChannelDingTalkRobot: true},
	}
	for _, o := range opts {
		o(d)
	}
	return d
}

// HandleDeliver is the asynq handler of TypeDeliver. A bad payload is
// dropped with asynq.SkipRetry. Other failures are logged and the task
// ends: the row stays pending (or leased) and the Reconciler re-arms it
// when due, because a failed MaxRetry(0) task would be archived and keep
// its task ID taken.
func (d *Deliverer) HandleDeliver(ctx context.Context, t *asynq.Task) error {
	id, err := parseDeliverTask(t)
	if err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	if err := d.Deliver(ctx, id); err != nil {
		d.logger.Warn("deliver outbox row; the reconciler will retry", "id", id, "err", err)
	}
	return nil
}

// Deliver makes one delivery attempt of row id. It returns nil when the
// attempt was recorded or when there is nothing to do (row not due, taken
// by another worker, sent, failed or gone), and an error only when the
// store could not be used; the row is then retried when its lease expires.
func (d *Deliverer) Deliver(ctx context.Context, id uint64) error {
	now := d.clock.Now()
	row, err := d.outbox.ClaimOutbox(ctx, id, now, d.lease)
	switch code := models.ErrorCode(err); code {
	case "":
	case models.ECONFLICT, models.ENOTFOUND:
		d.logger.Debug("outbox row not claimed", "id", id, "code", code)
		return nil
	default:
		return fmt.Errorf("claim outbox %d: %w", id, err)
	}
	msg, err := d.message(row)
	if err != nil {
		return d.record(context.WithoutCancel(ctx), row, err)
	}
	if why, err := d.cardState(ctx, row, msg); why != "" || err != nil {
		return d.skip(ctx, row, why, err)
	}
	if ok, err := d.admit(ctx, row, now); !ok {
		return err
	}
	// A send never outlives its claim: past the lease another worker may
	// claim the row and send it again.
	sctx, cancel := context.WithTimeout(ctx, d.lease*3/4)
	sendErr := d.send(sctx, row, msg)
	cancel()
	return d.record(context.WithoutCancel(ctx), row, sendErr)
}

// admit takes a slot of the row's (channel, target) rate. When there is
// none, or the limiter fails, it moves the row to when a slot frees (no
// attempt counted), arms the task, and returns false.
func (d *Deliverer) admit(ctx context.Context, row *models.Outbox, now time.Time) (bool, error) {
	if d.limiter == nil || !d.limited[row.Channel] {
		return true, nil
	}
	ok, at, err := d.limiter.Allow(ctx, LimitKey(row.Channel, row.Target), now)
	if err != nil {
		d.logger.Warn("rate limiter failed; rescheduling", "id", row.ID, "err", err)
		ok, at = false, now.Add(limiterRetry)
	}
	if ok {
		return true, nil
	}
	if !at.After(now) {
		at = now.Add(time.Second)
	}
	if err := d.outbox.RescheduleOutbox(ctx, row.ID, at); err != nil {
		return false, fmt.Errorf("reschedule outbox %d: %w", row.ID, err)
	}
	d.logger.Debug("outbox row rate limited", "id", row.ID, "channel", row.Channel, "until", at)
	d.arm(ctx, row.ID, at)
	return false, nil
}

// arm schedules the next task of a row; a failure is only logged because
// the Reconciler re-arms due rows anyway.
func (d *Deliverer) arm(ctx context.Context, id uint64, at time.Time) {
	if d.sched == nil {
		return
	}
	if err := d.sched.EnqueueAt(ctx, id, at); err != nil {
		d.logger.Warn("arm next delivery; the reconciler will", "id", id, "err", err)
	}
}
