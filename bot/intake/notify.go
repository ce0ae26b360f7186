package intake

import (
	"context"
	"fmt"

	"tapline/bot"
	"tapline/bot/notify"
	"tapline/models"
)

// ResidentNotifier sends texts to residents outside the passive reply: an
// outbox row for the WeChat customer-service API (or the local sink when
// the Official Account has no app secret), delivered by the worker.
type ResidentNotifier struct {
	outbox  models.OutboxService
	enq     Enqueuer
	channel string
}

// NewResidentNotifier returns a notifier writing rows for channel
// (models.ChannelWeChatCS or models.ChannelSink).
func NewResidentNotifier(outbox models.OutboxService, enq Enqueuer, channel string) *ResidentNotifier {
	return &ResidentNotifier{outbox: outbox, enq: enq, channel: channel}
}

// NotifyResident queues text for the resident with that OpenID.
func (n *ResidentNotifier) NotifyResident(ctx context.Context, openID, text string) error {
	kind, payload, err := notify.EncodeMessage(bot.Message{Text: text})
	if err != nil {
		return fmt.Errorf("notify resident: %w", err)
	}
	row := &models.Outbox{Channel: n.channel, Target: openID, Audience: "resident",
		Kind: kind, Payload: payload, Status: models.OutboxPending}
	if err := n.outbox.AddOutbox(ctx, []*models.Outbox{row}); err != nil {
		return fmt.Errorf("notify resident: %w", err)
	}
	if err := n.enq.Enqueue(ctx, row.ID); err != nil {
		return fmt.Errorf("notify resident: enqueue (reconciler will retry): %w", err)
	}
	return nil
}
