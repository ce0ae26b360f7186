package handlers

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"tapline/bot"
	"tapline/bot/dingtalk"
)

// handleDingTalkCard takes a button click on a DingTalk interactive card
// (the HTTP card callback registered under dingtalk.card_route_key): the
// URL's token is checked, the click becomes the same card_click Update a
// WeCom card click is and runs the same casework step (roles, once-only
// rule). The answer shows the clicking person the reply on their card.
func (s *Server) handleDingTalkCard(c *gin.Context) {
	if s.DingTalk == nil || s.Staff == nil {
		c.String(http.StatusServiceUnavailable, "dingtalk not configured")
		return
	}
	body, ok := readBody(c)
	if !ok {
		return
	}
	click, err := s.DingTalk.OpenCardClick(c.Request.URL.Query(), body)
	if err != nil {
		s.refuse(c, bot.PlatformDingTalk, err)
		return
	}
	c.JSON(http.StatusOK, dingtalk.ClickResponse(s.clickDingTalk(c.Request.Context(), click)))
}

// clickDingTalk runs the casework step of a card click (webhook or Stream).
// There is no conversation to send a late reply to: a slow step's reply is
// the casework's own messages.
func (s *Server) clickDingTalk(ctx context.Context, click *dingtalk.CardClick) bot.Reply {
	return s.answer(ctx, click.Update, click.Raw, s.Staff.Handle, nil)
}
