package handlers

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"tapline/bot"
	"tapline/models"
)

func (s *Server) registerDingTalkRoutes(r *gin.Engine) {
	r.POST("/webhooks/dingtalk", s.handleDingTalk)
}

// handleDingTalk takes an @-message to the DingTalk enterprise robot:
// verifies the timestamp and sign headers, runs the casework step and
// answers through the conversation's sessionWebhook from the outbox.
func (s *Server) handleDingTalk(c *gin.Context) {
	if s.DingTalk == nil || s.Staff == nil {
		c.String(http.StatusServiceUnavailable, "dingtalk not configured")
		return
	}
	body, ok := readBody(c)
	if !ok {
		return
	}
	in, err := s.DingTalk.Open(c.Request.Header, body)
	if err != nil {
		s.refuse(c, bot.PlatformDingTalk, err)
		return
	}
	post := func(ctx context.Context, r bot.Reply) error {
		return s.Poster.Post(ctx, models.ChannelDingTalkSession, in.SessionWebhook, in.Update.SenderID,
			bot.Message{Text: r.Text, Card: r.Card})
	}
	ctx := c.Request.Context()
	reply := s.answer(ctx, in.Update, in.Raw, s.Staff.Handle, post)
	if reply.Text != "" || reply.Card != nil {
		if err := post(ctx, reply); err != nil {
			s.log.Error("dingtalk reply not queued", "err", err)
		}
	}
	c.JSON(http.StatusOK, gin.H{})
}
