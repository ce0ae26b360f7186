package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"tapline/bot"
	"tapline/bot/casework"
	"tapline/bot/dingtalk"
	"tapline/bot/redisstore"
	"tapline/bot/wechat"
	"tapline/bot/wecom"
	"tapline/handlers"
	"tapline/models"
)

// staffVerifiers builds the WeCom app, WeCom smart bot and DingTalk
// verifiers of the configured platforms (nil where not configured: that
// webhook answers 503).
func (a *App) staffVerifiers(d *handlers.Deps) error {
	var err error
	if w := a.cfg.WeCom; w.Token != "" && w.EncodingAESKey != "" {
		d.WeComApp, err = wecom.NewAppVerifier(wecom.AppConfig{CorpID: w.CorpID, Token: w.Token, EncodingAESKey: w.EncodingAESKey}, a.clock)
		if err != nil {
			return fmt.Errorf("wecom: %w", err)
		}
	}
	if b := a.cfg.WeComBot; b.Token != "" {
		d.WeComBot, err = wecom.NewBotVerifier(wecom.BotConfig{Token: b.Token, EncodingAESKey: b.EncodingAESKey}, a.clock)
		if err != nil {
			return fmt.Errorf("wecom_bot: %w", err)
		}
	}
	if dt := a.cfg.DingTalk; dt.AppSecret != "" {
		opts := []dingtalk.VerifierOption{dingtalk.WithReplays(redisstore.NewReplays(a.rdb, keyPrefix)),
			dingtalk.WithCardCallbackToken(dt.CardCallbackToken)}
		if dt.AESKey != "" {
			crypto, err := dingtalk.NewCrypto(dt.Token, dt.AESKey, dt.AppKey)
			if err != nil {
				return fmt.Errorf("dingtalk.aes_key: %w", err)
			}
			opts = append(opts, dingtalk.WithEncryption(crypto))
		}
		d.DingTalk = dingtalk.NewVerifier(dt.AppSecret, 0, a.clock, opts...)
	}
	return nil
}

// residentDesk puts a resident's answer about their own case (acceptance
// of measures, an answer to a department's question) before the intake
// dialog.
type residentDesk struct {
	work   *casework.Service
	intake handlers.Dialog
	log    *slog.Logger
}

// Handle implements handlers.Dialog. When the resident's cases cannot be
// read (database down) the message goes on to the intake dialog, whose
// drafts live in Redis: emergency guidance still answers, and a 确认 is
// told honestly that the draft is kept and not yet filed, instead of every
// resident getting "busy".
func (r residentDesk) Handle(ctx context.Context, u bot.Update) (bot.Reply, error) {
	reply, handled, err := r.work.Resident(ctx, u)
	if err != nil && !handled && models.ErrorCode(err) == models.EUNAVAILABLE {
		r.log.Warn("resident cases unavailable; the intake dialog answers", "code", models.ErrorCode(err), "err", err)
	} else if handled || err != nil {
		return reply, err
	}
	return r.intake.Handle(ctx, u)
}

// staffSenders adds the staff platforms' senders; without credentials a
// channel goes to the sink so nothing fails for want of a platform.
func (a *App) staffSenders(s map[string]bot.Sender, sink bot.Sender) error {
	s[models.ChannelWeComApp], s[models.ChannelDingTalkSession], s[models.ChannelWeComCardUpdate] = sink, sink, sink
	if w := a.cfg.WeCom; w.Secret != "" {
		app, err := wecom.NewAppSender(wecom.AppSenderConfig{CorpID: w.CorpID, AgentID: w.AgentID, Secret: w.Secret, BaseURL: w.APIBase},
			wechat.NewRedisCache(a.rdb, keyPrefix), wecom.WithAppHTTPClient(&http.Client{Timeout: 10 * time.Second}), wecom.WithAppLogger(a.log),
			wecom.WithAppRateLimitWait(a.cfg.Outbox.RateLimitWait))
		if err != nil {
			return fmt.Errorf("wecom.secret: %w", err)
		}
		// App cards are updated in place with the response codes kept in Redis (every replica's).
		cards := wecom.NewAppCards(app, redisstore.NewCardCodes(a.rdb, keyPrefix))
		s[models.ChannelWeComApp], s[models.ChannelWeComCardUpdate] = cards, wecom.NewCardUpdater(app)
	}
	if a.cfg.DingTalk.AppSecret != "" && (a.embedded == nil || !a.embedded.demoDingTalk) {
		session, err := dingtalk.NewSessionSender([]string{strings.TrimRight(a.cfg.DingTalk.APIBase, "/") + "/robot/sendBySession"})
		if err != nil {
			return fmt.Errorf("dingtalk.api_base: %w", err)
		}
		s[models.ChannelDingTalkSession] = session
	}
	return nil
}
