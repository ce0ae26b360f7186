package handlers

import (
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"tapline/bot"
	"tapline/bot/dingtalk"
	"tapline/bot/wechat"
	"tapline/bot/wecom"
)

// Staff runs one casework step for a staff member's update.
type Staff interface {
	Handle(ctx context.Context, u bot.Update) (bot.Reply, error)
}

// Poster queues a message for delivery from the outbox.
type Poster interface {
	Post(ctx context.Context, channel, target, audience string, msg bot.Message) error
}

// readBody reads the (already size-limited) body; false means 413 was sent.
func readBody(c *gin.Context) ([]byte, bool) {
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		c.String(http.StatusRequestEntityTooLarge, "body over 1 MiB")
		return nil, false
	}
	return body, true
}

// refuse fails closed: signature and replay failures 403, malformed or
// undecryptable bodies 400; nothing is processed. The WARN line is rate
// limited (refusalBurst, refusalRate); the next one written says how many
// were held back.
func (s *Server) refuse(c *gin.Context, platform string, err error) {
	status := http.StatusForbidden
	if isMalformed(err) {
		status = http.StatusBadRequest
	}
	s.Metrics.Refused(platform, status)
	if ok, held := s.refusals.allow(); ok {
		s.log.Warn("request refused", "platform", platform, "request_id", c.GetString(requestIDKey),
			"status", status, "reason", err.Error(), "suppressed", held)
	}
	c.String(status, http.StatusText(status))
}

func isMalformed(err error) bool {
	return errors.Is(err, wechat.ErrMalformed) || errors.Is(err, wechat.ErrBadEncryption) ||
		errors.Is(err, wecom.ErrMalformed) || errors.Is(err, wecom.ErrBadEncryption) ||
		errors.Is(err, dingtalk.ErrMalformed) || errors.Is(err, dingtalk.ErrBadEncryption)
}

// staffLate sends a slow step's reply to a WeCom app user from the outbox.
func (s *Server) staffLate(channel, target string) lateFunc {
	return func(ctx context.Context, r bot.Reply) error {
		return s.Poster.Post(ctx, channel, target, "staff", bot.Message{Text: r.Text, Card: r.Card})
	}
}
