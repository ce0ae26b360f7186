package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"tapline/bot"
	"tapline/models"
)

// RowSender delivers an outbox row that is not a chat message (event
// webhooks): it gets the whole row.
type RowSender interface {
	SendRow(ctx context.Context, row *models.Outbox) error
}

// WebhookSender delivers event rows (models.ChannelWebhook) to the
// subscription named by the row's Target: a signed POST of the stored
// event. A deleted or paused subscription, or a URL the Egress rule now
// refuses, fails the delivery for good; any answer but 2xx is retried
// with the outbox's backoff.
type WebhookSender struct {
	subs   models.WebhookService
	egress *Egress
	client *http.Client
	clock  bot.Clock
}

var _ RowSender = (*WebhookSender)(nil)

// NewWebhookSender returns the sender; each POST gives up after timeout.
func NewWebhookSender(subs models.WebhookService, egress *Egress, clock bot.Clock, timeout time.Duration) *WebhookSender {
	return &WebhookSender{subs: subs, egress: egress, client: egress.Client(timeout), clock: clock}
}

// WebhookError is a receiver's answer other than 2xx.
type WebhookError struct {
	Status int
	Body   string // the start of the answer, for the attempt log
}

// Error implements error.
func (e *WebhookError) Error() string {
	return fmt.Sprintf("receiver answered %d %s", e.Status, e.Body)
}

// HTTPStatus implements StatusError.
func (e *WebhookError) HTTPStatus() int { return e.Status }

// SendRow implements RowSender.
func (w *WebhookSender) SendRow(ctx context.Context, row *models.Outbox) error {
	sub, err := w.subscription(ctx, row)
	if err != nil {
		return err
	}
	var head struct{ ID, Type string }
	if err := json.Unmarshal([]byte(row.Payload), &head); err != nil || head.ID == "" {
		return fmt.Errorf("webhook: undecodable event: %w", bot.ErrPermanent)
	}
	body := []byte(row.Payload)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sub.URL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("webhook: build request: %v: %w", err, bot.ErrPermanent)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Tapline-Webhooks/1")
	req.Header.Set(SignatureHeader, Sign(sub.Secret, w.clock.Now(), body))
	req.Header.Set(EventIDHeader, head.ID)
	req.Header.Set(EventTypeHeader, head.Type)
	req.Header.Set(DeliveryHeader, strconv.FormatUint(row.ID, 10))
	resp, err := w.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL may carry a receiver's token in its query
		}
		if errors.Is(err, ErrEgressRefused) {
			return fmt.Errorf("webhook subscription %d: %w: %w", sub.ID, err, bot.ErrPermanent)
		}
		return fmt.Errorf("webhook subscription %d: post: %w", sub.ID, err)
	}
	defer resp.Body.Close()
	start, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16)) // keep the connection reusable
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	werr := &WebhookError{Status: resp.StatusCode, Body: string(bytes.ToValidUTF8(start, nil))}
	if after := retryAfter(resp); after > 0 {
		return &bot.RetryAfterError{After: after, Err: werr}
	}
	return werr
}

// subscription loads the row's active subscription and checks its URL.
func (w *WebhookSender) subscription(ctx context.Context, row *models.Outbox) (*models.Subscription, error) {
	id, err := strconv.ParseUint(row.Target, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("webhook: target %q is not a subscription: %w", row.Target, bot.ErrPermanent)
	}
	sub, err := w.subs.FindSubscription(ctx, id)
	if models.ErrorCode(err) == models.ENOTFOUND {
		return nil, fmt.Errorf("webhook: subscription %d was deleted: %w", id, bot.ErrPermanent)
	} else if err != nil {
		return nil, fmt.Errorf("webhook: %w", err)
	}
	if !sub.Active {
		return nil, fmt.Errorf("webhook: subscription %d is paused: %w", id, bot.ErrPermanent)
	}
	if err := w.egress.CheckURL(sub.URL); err != nil {
		return nil, fmt.Errorf("webhook subscription %d: %w: %w", id, err, bot.ErrPermanent)
	}
	return sub, nil
}

// retryAfter reads a 429/503 answer's Retry-After seconds (at most an hour).
func retryAfter(resp *http.Response) time.Duration {
	if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable {
		return 0
	}
	n, err := strconv.Atoi(resp.Header.Get("Retry-After"))
	if err != nil || n <= 0 {
		return 0
	}
	return min(time.Duration(n)*time.Second, time.Hour)
}
