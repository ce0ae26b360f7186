package notify

import (
	"context"
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
	if err := p.outbox.AddOutbox(ctx, []*models.Outbox{row}); err != nil {
		return fmt.Errorf("post: %w", err)
	}
	if err := p.sched.Enqueue(ctx, row.ID); err != nil {
		return fmt.Errorf("post: arm delivery (the reconciler will retry): %w", err)
	}
	return nil
}
