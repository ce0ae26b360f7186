package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"tapline/bot"
	"tapline/models"
)

func (s *Server) registerWeComRoutes(r *gin.Engine) {
	r.GET("/webhooks/wecom", s.handleWeComVerify)
	r.POST("/webhooks/wecom", s.handleWeComMessage)
	r.GET("/webhooks/wecom-bot", s.handleWeComBotVerify)
	r.POST("/webhooks/wecom-bot", s.handleWeComBotMessage)
}

// handleWeComVerify answers the WeCom app's callback URL check.
func (s *Server) handleWeComVerify(c *gin.Context) {
	if s.WeComApp == nil {
		c.String(http.StatusServiceUnavailable, "wecom not configured")
		return
	}
	echo, err := s.WeComApp.VerifyURL(c.Request.URL.Query())
	if err != nil {
		s.refuse(c, bot.PlatformWeCom, err)
		return
	}
	c.String(http.StatusOK, echo)
}

// handleWeComMessage takes a staff message or card click from the WeCom
// app (1:1 chat) and answers with an encrypted passive reply.
func (s *Server) handleWeComMessage(c *gin.Context) {
	if s.WeComApp == nil || s.Staff == nil {
		c.String(http.StatusServiceUnavailable, "wecom not configured")
		return
	}
	body, ok := readBody(c)
	if !ok {
		return
	}
	q := c.Request.URL.Query()
	in, err := s.WeComApp.Open(q, body)
	if err != nil {
		s.refuse(c, bot.PlatformWeCom, err)
		return
	}
	late := s.staffLate(models.ChannelWeComApp, in.Update.SenderID)
	reply := s.answer(c.Request.Context(), in.Update, in.Raw, s.Staff.Handle, late)
	out, err := s.WeComApp.Reply(in, reply, q.Get("timestamp"), q.Get("nonce"))
	if err != nil {
		s.log.Error("wecom reply encoding failed", "err", err)
		c.Status(http.StatusOK)
		return
	}
	c.Data(http.StatusOK, "application/xml; charset=utf-8", out)
}

// handleWeComBotVerify answers the smart bot's callback URL check.
func (s *Server) handleWeComBotVerify(c *gin.Context) {
	if s.WeComBot == nil {
		c.String(http.StatusServiceUnavailable, "wecom bot not configured")
		return
	}
	echo, err := s.WeComBot.VerifyURL(c.Request.URL.Query())
	if err != nil {
		s.refuse(c, bot.PlatformWeComBot, err)
		return
	}
	c.String(http.StatusOK, echo)
}

// handleWeComBotMessage takes an @-message or card click from the WeCom
// smart bot in a group; the reply (text, or the replaced card) goes in the
// response, the only way this bot can answer.
func (s *Server) handleWeComBotMessage(c *gin.Context) {
	if s.WeComBot == nil || s.Staff == nil {
		c.String(http.StatusServiceUnavailable, "wecom bot not configured")
		return
	}
	body, ok := readBody(c)
	if !ok {
		return
	}
	q := c.Request.URL.Query()
	in, err := s.WeComBot.Open(q, body)
	if err != nil {
		s.refuse(c, bot.PlatformWeComBot, err)
		return
	}
	reply := s.answer(c.Request.Context(), in.Update, in.Raw, s.Staff.Handle, nil)
	out, err := s.WeComBot.Reply(in, reply, q.Get("timestamp"), q.Get("nonce"))
	if err != nil {
		s.log.Error("wecom bot reply encoding failed", "err", err)
		c.Status(http.StatusOK)
		return
	}
	c.Data(http.StatusOK, "application/json; charset=utf-8", out)
}
