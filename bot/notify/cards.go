package notify

import (
	"context"
	"fmt"

	"tapline/bot"
	"tapline/models"
)

// Why rows carrying a card state are not posted.
const (
	whySuperseded = "not posted: superseded by a later state of the same card"
	whyNoUpdate   = "not posted: the channel cannot change a sent card (group robot); the card keeps the state first posted"
)

// WithoutCardUpdates sets the channels that cannot change a card once sent
// (default: the WeCom and DingTalk group robots). An update of a card
// (bot.Card.Update) to such a channel is not posted again.
func WithoutCardUpdates(channels ...string) DelivererOption {
	return func(d *Deliverer) {
		d.noUpdate = map[string]bool{}
		for _, c := range channels {
			d.noUpdate[c] = true
		}
	}
}

// cardState applies bot.Card's TaskID and Update to a row about to be
// sent and returns why it must not be posted ("" to post it):
//
//   - of the rows of one card to one target only the latest is delivered:
//     an older one still waiting is superseded (updates of a card made
//     within moments go out as one);
//   - an update whose card never reached the target (its first state was
//     superseded, failed or is still held) goes out as the card itself;
//   - an update to a channel that cannot change a sent card is not posted.
//
// It may clear msg.Card.Update. Rows of a row sender (msg nil) pass.
func (d *Deliverer) cardState(ctx context.Context, row *models.Outbox, msg *bot.Message) (string, error) {
	if msg == nil || msg.Card == nil || row.CardKey == "" {
		return "", nil
	}
	latest, sentBefore, err := d.outbox.CardState(ctx, row)
	switch {
	case err != nil:
		return "", fmt.Errorf("card state of outbox %d: %w", row.ID, err)
	case !latest:
		return whySuperseded, nil
	case !msg.Card.Update:
		return "", nil
	case !sentBefore:
		msg.Card.Update = false
		return "", nil
	case d.noUpdate[row.Channel]:
		return whyNoUpdate, nil
	}
	return "", nil
}

// skip ends a row without posting it. When the card state could not be
// read the row stays leased and is tried again when the lease expires.
func (d *Deliverer) skip(ctx context.Context, row *models.Outbox, why string, err error) error {
	if err != nil {
		return err
	}
	err = d.outbox.SkipOutbox(context.WithoutCancel(ctx), row.ID, why)
	if models.ErrorCode(err) == models.ECONFLICT {
		return nil
	} else if err != nil {
		return fmt.Errorf("skip outbox %d: %w", row.ID, err)
	}
	d.logger.Info("outbox row not posted", "id", row.ID, "case_id", row.CaseID, "channel", row.Channel,
		"target", MaskTarget(row.Target), "why", why)
	return nil
}
