package notify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"tapline/bot"
	"tapline/models"
)

// StatusError is implemented by sender errors that carry the HTTP status
// of the platform's answer (wecom.APIError, dingtalk.APIError); the status
// is written to the attempt log.
type StatusError interface {
	error
	HTTPStatus() int
}

// message decodes a chat row's message; nil for the rows of a row sender
// (event webhooks). An undecodable payload is permanent.
func (d *Deliverer) message(row *models.Outbox) (*bot.Message, error) {
	if _, ok := d.rows[row.Channel]; ok {
		return nil, nil
	}
	msg, err := DecodeMessage(row.Kind, row.Payload)
	if err != nil {
		return nil, err
	}
	return &msg, nil
}

// send hands the row to the row sender of its channel, or its message to
// the chat sender of its channel. A missing sender is permanent.
func (d *Deliverer) send(ctx context.Context, row *models.Outbox, msg *bot.Message) error {
	if rs, ok := d.rows[row.Channel]; ok {
		return rs.SendRow(ctx, row)
	}
	sender, ok := d.senders[row.Channel]
	if !ok {
		return fmt.Errorf("no sender for channel %q: %w", row.Channel, bot.ErrPermanent)
	}
	return sender.Send(ctx, row.Target, *msg)
}

// record writes the attempt and moves the row on: sent, retry at a later
// time, or failed. After a retry it arms the next task.
func (d *Deliverer) record(ctx context.Context, row *models.Outbox, sendErr error) error {
	ctx, cancel := context.WithTimeout(ctx, recordTimeout)
	defer cancel()
	now := d.clock.Now()
	a := &models.DeliveryAttempt{OutboxID: row.ID, OK: sendErr == nil, At: now}
	retryAt := d.retryAt(row, now, sendErr)
	if sendErr != nil {
		a.Error = truncate(sendErr.Error(), d.maxError)
		var se StatusError
		if errors.As(sendErr, &se) {
			a.Status = se.HTTPStatus()
		}
	}
	err := d.outbox.RecordAttempt(ctx, a, retryAt)
	if models.ErrorCode(err) == models.ECONFLICT {
		d.logger.Debug("outbox row changed before the attempt was recorded", "id", row.ID)
		return nil
	} else if err != nil {
		return fmt.Errorf("record attempt of outbox %d: %w", row.ID, err)
	}
	if d.observe != nil {
		d.observe(row.Channel, a.OK)
	}
	d.logOutcome(row, a, retryAt)
	if retryAt != nil {
		d.arm(ctx, row.ID, *retryAt)
	} else if !a.OK && d.onFailed != nil {
		d.onFailed(context.WithoutCancel(ctx), row, sendErr)
	}
	return nil
}

// retryAt returns when to try again after this attempt, or nil when the
// row is done: delivered, permanently failed, or out of budget.
func (d *Deliverer) retryAt(row *models.Outbox, now time.Time, err error) *time.Time {
	attempt := row.Attempts + 1
	if err == nil || errors.Is(err, bot.ErrPermanent) || attempt >= d.budget {
		return nil
	}
	wait := d.backoff[min(attempt, len(d.backoff))-1]
	var ra *bot.RetryAfterError
	if errors.As(err, &ra) && ra.After > 0 {
		wait = ra.After
	}
	at := now.Add(wait)
	return &at
}

// logOutcome logs an attempt without the target or the message.
func (d *Deliverer) logOutcome(row *models.Outbox, a *models.DeliveryAttempt, retryAt *time.Time) {
	attrs := []any{"id", row.ID, "case_id", row.CaseID, "channel", row.Channel,
		"target", MaskTarget(row.Target), "attempt", row.Attempts + 1}
	switch {
	case a.OK:
		d.logger.Info("outbox row delivered", attrs...)
	case retryAt != nil:
		d.logger.Info("outbox delivery failed; will retry", append(attrs, "retry_at", *retryAt, "err", a.Error)...)
	default:
		d.logger.Warn("outbox delivery failed for good", append(attrs, "err", a.Error)...)
	}
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := 0
	for i := range s {
		if i > n {
			break
		}
		cut = i
	}
	return s[:cut]
}
