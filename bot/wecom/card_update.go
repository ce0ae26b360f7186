package wecom

import (
	"context"
	"fmt"

	"tapline/bot"
)

// CardUpdater delivers outbox rows that replace a clicked app card for
// every recipient: the target is the click's response_code.
type CardUpdater struct{ app *AppSender }

var _ bot.Sender = (*CardUpdater)(nil)

// NewCardUpdater returns a CardUpdater sending through app.
func NewCardUpdater(app *AppSender) *CardUpdater { return &CardUpdater{app: app} }

// Send calls update_template_card with msg.Card's status for everyone.
func (u *CardUpdater) Send(ctx context.Context, responseCode string, msg bot.Message) error {
	if msg.Card == nil || responseCode == "" {
		return fmt.Errorf("wecom: card update needs a card and a response_code: %w", bot.ErrPermanent)
	}
	return u.app.UpdateCard(ctx, nil, responseCode, *msg.Card)
}
