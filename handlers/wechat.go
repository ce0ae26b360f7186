package handlers

import (
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"tapline/bot"
	"tapline/bot/wechat"
)

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
		s.refuse(c, bot.PlatformWeChat, err)
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
	ctx := c.Request.Context()
	in, err := s.WeChat.Open(ctx, c.Request.URL.Query(), c.ContentType(), body)
	switch {
	case errors.Is(err, wechat.ErrReplayUnchecked) && in != nil:
		s.writeWeChatReply(c, in, s.hold(ctx, in.Update, in.Raw, err).Text)
		return
	case err != nil:
		s.refuse(c, bot.PlatformWeChat, err)
		return
	}
	text := s.answerWeChat(ctx, in)
	s.writeWeChatReply(c, in, text)
}

// answerWeChat returns the passive reply text for in ("" means "success");
// a slow step's answer goes to the resident as a customer-service message.
func (s *Server) answerWeChat(ctx context.Context, in *wechat.Inbound) string {
	late := func(ctx context.Context, r bot.Reply) error {
		return s.Notifier.NotifyResident(ctx, in.Update.SenderID, r.Text)
	}
	return s.answer(ctx, in.Update, in.Raw, s.Dialog.Handle, late).Text
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
