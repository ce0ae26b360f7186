package intake

import (
	"context"

	"tapline/bot"
)

// Poster queues one message for delivery (notify.Poster).
type Poster interface {
	Post(ctx context.Context, channel, target, audience string, msg bot.Message) error
}

// ResidentNotifier sends texts to residents outside the passive reply: an
// outbox row for the WeChat customer-service API (or the local sink when
// the Official Account has no app secret), delivered by the worker.
type ResidentNotifier struct {
	poster  Poster
	channel string
}

// NewResidentNotifier returns a notifier writing rows for channel
// (models.ChannelWeChatCS or models.ChannelSink).
func NewResidentNotifier(poster Poster, channel string) *ResidentNotifier {
	return &ResidentNotifier{poster: poster, channel: channel}
}

// NotifyResident queues text for the resident with that OpenID.
func (n *ResidentNotifier) NotifyResident(ctx context.Context, openID, text string) error {
	return n.poster.Post(ctx, n.channel, openID, "resident", bot.Message{Text: text})
}
