package handlers

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"tapline/bot"
	"tapline/bot/wechat"
	"tapline/models"
)

// busyText answers a resident when Redis or the dialog fails; the raw
// message is already recorded.
const busyText = "系统繁忙，请稍后再发一次。您刚才的消息我们已经记录，不会丢失。"

func (s *Server) registerWeChatRoutes(r *gin.Engine) {
	r.GET("/webhooks/wechat", s.handleWeChatVerify)
	r.POST("/webhooks/wechat", s.handleWeChatMessage)
}

// handleWeChatVerify answers the Official Account's URL check (PRODUCT A1).
func (s *Server) handleWeChatVerify(c *gin.Context) {
	if s.WeChat == nil {
		c.String(http.StatusServiceUnavailable, "wechat not configured")
		return
	}
	echo, err := s.WeChat.VerifyURL(c.Request.URL.Query())
	if err != nil {
		s.refuseWeChat(c, err)
		return
	}
	c.String(http.StatusOK, echo)
}

// handleWeChatMessage verifies, decrypts, dedupes, records and runs one
// dialog step, answering inside WeChat's 5-second budget (PRODUCT A1).
func (s *Server) handleWeChatMessage(c *gin.Context) {
	if s.WeChat == nil {
		c.String(http.StatusServiceUnavailable, "wechat not configured")
		return
	}
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		c.String(http.StatusRequestEntityTooLarge, "body over 1 MiB")
		return
	}
	in, err := s.WeChat.Open(c.Request.URL.Query(), c.ContentType(), body)
	if err != nil {
		s.refuseWeChat(c, err)
		return
	}
	text := s.answerWeChat(c.Request.Context(), in)
	s.writeWeChatReply(c, in, text)
}

// answerWeChat returns the passive reply text for in ("" means "success").
func (s *Server) answerWeChat(ctx context.Context, in *wechat.Inbound) string {
	u := in.Update
	key := u.DedupeKey()
	first, err := s.Dedupe.Claim(ctx, key)
	if err != nil {
		s.recordInbound(ctx, in, key)
		s.log.Error("dedupe unavailable; resident asked to retry", "err", err)
		return busyText
	}
	if !first {
		return s.answerRetry(ctx, key)
	}
	s.recordInbound(ctx, in, key)
	return s.runDialog(ctx, u, key)
}

// answerRetry repeats the reply of the first delivery of a retried message,
// waiting for it while the first is still being processed; the step never
// runs twice.
func (s *Server) answerRetry(ctx context.Context, key string) string {
	s.Metrics.Duplicate(bot.PlatformWeChat)
	wait, cancel := context.WithTimeout(ctx, s.ReplyBudget)
	defer cancel()
	reply, done := s.Dedupe.Wait(wait, key)
	if !done {
		return ""
	}
	if ok, err := s.Dedupe.TakeDelivery(ctx, key); err != nil || !ok {
		return ""
	}
	return reply
}

type stepResult struct {
	reply bot.Reply
	err   error
}

// runDialog runs the step detached from the request, so a slow step still
// finishes; past the budget the resident gets the answer as a
// customer-service message instead (ARCHITECTURE reliability rules).
func (s *Server) runDialog(ctx context.Context, u bot.Update, key string) string {
	done := make(chan stepResult, 1)
	go func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		r, err := s.Dialog.Handle(sctx, u)
		done <- stepResult{r, err}
	}()
	timer := time.NewTimer(s.ReplyBudget)
	defer timer.Stop()
	select {
	case r := <-done:
		text := s.finishStep(ctx, key, r)
		if r.err != nil {
			return text
		}
		if ok, err := s.Dedupe.TakeDelivery(ctx, key); err == nil && !ok {
			return "" // a retry already delivered it
		}
		return text
	case <-timer.C:
		s.Metrics.DialogStep("late")
		go s.deliverLate(context.WithoutCancel(ctx), u.SenderID, key, done)
		return ""
	}
}

// finishStep stores the step's reply for retries and returns its text.
func (s *Server) finishStep(ctx context.Context, key string, r stepResult) string {
	if r.err != nil {
		s.Metrics.DialogStep("error")
		s.log.Error("dialog step failed", "err", r.err, "code", models.ErrorCode(r.err))
		_ = s.Dedupe.Release(ctx, key) // let the resident's resend run again
		return busyText
	}
	s.Metrics.DialogStep("ok")
	if err := s.Dedupe.Complete(ctx, key, r.reply.Text); err != nil {
		s.log.Warn("dedupe complete failed", "err", err)
	}
	return r.reply.Text
}

// deliverLate waits for a slow step and sends its reply through the outbox,
// unless a retry's passive reply delivered it first.
func (s *Server) deliverLate(ctx context.Context, openID, key string, done <-chan stepResult) {
	r := <-done
	text := s.finishStep(ctx, key, r)
	if text == "" {
		return
	}
	if r.err == nil { // a failed step was released: its resend must not find it taken
		if ok, err := s.Dedupe.TakeDelivery(ctx, key); err != nil || !ok {
			return
		}
	}
	if err := s.Notifier.NotifyResident(ctx, openID, text); err != nil {
		s.log.Error("late reply not queued", "err", err)
	}
}

// recordInbound keeps the raw message before processing; a database outage
// is logged, not fatal (the dialog state lives in Redis).
func (s *Server) recordInbound(ctx context.Context, in *wechat.Inbound, key string) {
	m := &models.InboundMessage{Platform: bot.PlatformWeChat, DedupeKey: key,
		Sender: in.Update.SenderID, Raw: string(in.Raw), ReceivedAt: s.Clock.Now().UTC()}
	if err := s.Inbound.RecordInbound(ctx, m); err != nil {
		s.log.Error("raw inbound not recorded", "err", err)
	}
}

func (s *Server) writeWeChatReply(c *gin.Context, in *wechat.Inbound, text string) {
	q := c.Request.URL.Query()
	body, ctype, err := s.WeChat.Reply(in, bot.Reply{Text: text}, q.Get("timestamp"), q.Get("nonce"))
	if err != nil {
		s.log.Error("wechat reply encoding failed", "err", err)
		c.String(http.StatusOK, "success")
		return
	}
	c.Data(http.StatusOK, ctype, body)
}

// refuseWeChat fails closed: bad signatures and replays get 403, malformed
// bodies 400; nothing is processed.
func (s *Server) refuseWeChat(c *gin.Context, err error) {
	status := http.StatusForbidden
	if errors.Is(err, wechat.ErrMalformed) || errors.Is(err, wechat.ErrBadEncryption) {
		status = http.StatusBadRequest
	}
	s.log.Warn("wechat request refused", "request_id", c.GetString(requestIDKey), "status", status, "reason", err.Error())
	c.String(status, http.StatusText(status))
}
