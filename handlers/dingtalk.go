package handlers

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"tapline/bot"
	"tapline/bot/dingtalk"
	"tapline/models"
)

func (s *Server) registerDingTalkRoutes(r *gin.Engine) {
	r.POST("/webhooks/dingtalk", s.handleDingTalk)
	r.POST("/webhooks/dingtalk/card", s.handleDingTalkCard)
}

// handleDingTalk takes an @-message to the DingTalk enterprise robot:
// verifies the timestamp and sign headers (and the encrypted envelope
// where aes_key is configured), runs the casework step and answers
// through the conversation's sessionWebhook from the outbox.
func (s *Server) handleDingTalk(c *gin.Context) {
	if s.DingTalk == nil || s.Staff == nil {
		c.String(http.StatusServiceUnavailable, "dingtalk not configured")
		return
	}
	body, ok := readBody(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	in, err := s.DingTalk.Open(ctx, c.Request.Header, c.Request.URL.Query(), body)
	switch {
	case errors.Is(err, dingtalk.ErrReplayUnchecked) && in != nil:
		s.postDingTalk(ctx, in, s.hold(ctx, in.Update, in.Raw, err))
		s.ackDingTalk(c, in)
		return
	case err != nil:
		s.refuse(c, bot.PlatformDingTalk, err)
		return
	}
	s.stepDingTalk(ctx, in)
	s.ackDingTalk(c, in)
}

// stepDingTalk runs the casework step of one robot message, from the
// webhook or the Stream connection, and queues the reply into the
// conversation's session webhook.
func (s *Server) stepDingTalk(ctx context.Context, in *dingtalk.Inbound) {
	post := func(ctx context.Context, r bot.Reply) error { return s.postDingTalk(ctx, in, r) }
	s.postDingTalk(ctx, in, s.answer(ctx, in.Update, in.Raw, s.Staff.Handle, post))
}

// postDingTalk queues a reply into the conversation's session webhook;
// an empty reply posts nothing.
func (s *Server) postDingTalk(ctx context.Context, in *dingtalk.Inbound, r bot.Reply) error {
	if r.Text == "" && r.Card == nil {
		return nil
	}
	err := s.Poster.Post(ctx, models.ChannelDingTalkSession, in.SessionWebhook, in.Update.SenderID,
		bot.Message{Text: r.Text, Card: r.Card})
	if err != nil {
		s.log.Error("dingtalk reply not queued", "err", err)
	}
	return err
}

// ackDingTalk answers the callback itself ({}, or the encrypted success).
func (s *Server) ackDingTalk(c *gin.Context, in *dingtalk.Inbound) {
	body, err := s.DingTalk.Ack(in)
	if err != nil {
		s.log.Error("dingtalk ack encoding failed", "err", err)
		body = []byte("{}")
	}
	c.Data(http.StatusOK, "application/json; charset=utf-8", body)
}
