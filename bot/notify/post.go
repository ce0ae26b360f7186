package notify

import (
	"context"
	"errors"
	"fmt"

	"tapline/bot"
	"tapline/models"
)

// Poster writes one message as an outbox row outside any case transaction
// (late replies, chat answers) and arms its delivery.
type Poster struct {
	outbox models.OutboxService
	sched  Scheduler
}

// NewPoster returns a Poster.
func NewPoster(outbox models.OutboxService, sched Scheduler) *Poster {
	return &Poster{outbox: outbox, sched: sched}
}

// Post queues msg for target on channel. A failure to arm the task is
// returned but the row is kept: the Reconciler delivers it later.
func (p *Poster) Post(ctx context.Context, channel, target, audience string, msg bot.Message) error {
	kind, payload, err := EncodeMessage(msg)
	if err != nil {
		return fmt.Errorf("post: %w", err)
	}
	row := &models.Outbox{Channel: channel, Target: target, Audience: audience,
		Kind: kind, Payload: payload, Status: models.OutboxPending}
	return AddAndArm(ctx, p.outbox, p.sched, []*models.Outbox{row})
}

// Arming takes outbox row IDs to the delivery queue.
type Arming interface {
	Enqueue(ctx context.Context, ids ...uint64) error
}

// AddAndArm writes rows in one outbox write (all or nothing) and arms their
// delivery. A failure to arm is returned wrapped but the rows are kept:
// the Reconciler delivers them later.
func AddAndArm(ctx context.Context, outbox models.OutboxService, sched Arming, rows []*models.Outbox) error {
	if err := outbox.AddOutbox(ctx, rows); err != nil {
		return fmt.Errorf("post: %w", err)
	}
	ids := make([]uint64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	if err := sched.Enqueue(ctx, ids...); err != nil {
		return fmt.Errorf("post: %w: %w", ErrNotArmed, err)
	}
	return nil
}

// ErrNotArmed marks an AddAndArm whose rows were written but not armed
// (the reconciler will deliver them).
var ErrNotArmed = errors.New("arm delivery (the reconciler will retry)")
