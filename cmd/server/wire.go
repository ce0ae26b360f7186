package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"tapline/bot"
	"tapline/bot/casework"
	"tapline/bot/dialog"
	"tapline/bot/dingtalk"
	"tapline/bot/dingtalk/stream"
	"tapline/bot/intake"
	"tapline/bot/notify"
	"tapline/bot/redisstore"
	"tapline/bot/wechat"
	"tapline/bot/wecom"
	"tapline/cmd/internal/config"
	"tapline/handlers"
	"tapline/models"
	"tapline/models/store"
)

// keyPrefix namespaces every Redis key of the product.
const keyPrefix = "tapline:"

// dedupeDingTalk is how long a DingTalk message is recognised: its signed
// timestamp is accepted up to an hour either side of now, so a request may
// be replayed until two windows after it first came.
const dedupeDingTalk = 2 * dingtalk.DefaultWindow

// pendingHintTTL is how long "nothing waits for this resident" is believed
// without reading their cases again (casework.PendingHint).
const pendingHintTTL = 10 * time.Minute

// wire builds the dialog, intake and HTTP handlers.
func (a *App) wire(ctx context.Context) error {
	wechat.QuietSDKLogs()
	wechat.InstallAPIBase(a.cfg.WeChat.APIBase, a.cfg.WeCom.APIBase)
	wechat.InstallHTTPClient(&http.Client{Timeout: 5 * time.Second})
	texts, err := dialog.LoadTexts(a.cfg.DialogFile)
	if err != nil {
		return fmt.Errorf("dialog_file: %w", err)
	}
	if err := a.openRemind(); err != nil {
		return err
	}
	a.openPrevent()
	a.openReports()
	a.sched = a.scheduler()
	svc := intake.New(a.policy, a.db, a.enq, a.clock, a.log,
		intake.WithMetrics(a.metrics), intake.WithPublicURL(a.cfg.PublicURL), intake.WithRemind(a.remind),
		intake.WithDingTalkCards(a.dingTalkCardsOn()))
	sessions := redisstore.NewDialogStore(a.rdb, keyPrefix)
	hints := redisstore.NewPendingHints(a.rdb, keyPrefix, pendingHintTTL)
	a.work = casework.New(a.policy, casework.HintedWork(a.db, hints, a.log), a.db, a.enq, a.clock, a.log,
		casework.WithResidentChannel(a.residentChannel()), casework.WithPublicURL(a.cfg.PublicURL),
		casework.WithRemind(a.remind), casework.WithAftercare(a.db, 3), casework.WithPrevent(a.prevent),
		casework.WithPublish(a.publish, a.sched), casework.WithDingTalkCards(a.dingTalkCardsOn()))
	engine := dialog.New(a.policy, texts, sessions, svc, svc, a.db, a.clock,
		dialog.WithLogger(a.log), dialog.WithCaseDesk(a.work))
	verifier, err := a.wechatVerifier()
	if err != nil {
		return err
	}
	poster := notify.NewPoster(a.db, a.enq)
	if a.egress, err = notify.NewEgress(a.cfg.Webhooks.AllowedNets()); err != nil {
		return fmt.Errorf("webhooks.allow_private: %w", err)
	}
	deps := handlers.Deps{
		Logger: a.log, Metrics: a.metrics, Clock: a.clock, AdminToken: a.cfg.AdminToken,
		WeChat: verifier, Dialog: residentDesk{work: a.work, intake: engine, log: a.log}, Staff: a.work, Poster: poster,
		Dedupe: redisstore.NewDedupe(a.rdb, keyPrefix, 10*time.Minute).WithPrefetch(sessions, hints).
			WithPlatformTTL(bot.PlatformDingTalk, dedupeDingTalk),
		Notifier: intake.NewResidentNotifier(poster, a.residentChannel()),
		Inbound:  store.NewInboundBatcher(a.db), Cases: a.db, Outbox: a.db, Parked: a.db, FileLinks: a.fileLinks(), Reports: a.report,
		Webhooks: a.db, Egress: a.egress, Idempotency: a.db, Queue: a.enq,
		TrustedProxies: a.cfg.TrustedProxyList(), MetricsToken: a.cfg.MetricsToken,
		Ready: map[string]handlers.Checker{
			"database": a.db.Ping,
			"redis":    func(ctx context.Context) error { return a.rdb.Ping(ctx).Err() },
		},
	}
	if err := a.staffVerifiers(&deps); err != nil {
		return err
	}
	mountConsole, err := a.wireConsole(ctx, svc, &deps)
	if err != nil {
		return err
	}
	if err := a.wireStream(deps); err != nil {
		return err
	}
	h := handlers.New(deps)
	mountConsole(h)
	a.handler = h
	return nil
}

// wechatVerifier returns nil when no WeChat token is configured: the
// webhook then answers 503 (fail closed).
func (a *App) wechatVerifier() (*wechat.Verifier, error) {
	w := a.cfg.WeChat
	if w.Token == "" {
		return nil, nil
	}
	v, err := wechat.NewVerifier(wechat.Config{AppID: w.AppID, Token: w.Token,
		EncodingAESKey: w.EncodingAESKey, Mode: w.Mode, Window: w.Window}, a.clock,
		wechat.WithReplays(redisstore.NewReplays(a.rdb, keyPrefix)))
	if err != nil {
		return nil, fmt.Errorf("wechat: %w", err)
	}
	return v, nil
}

// residentChannel is the WeChat customer-service API when the Official
// Account has an app secret, else the local sink.
func (a *App) residentChannel() string {
	if a.cfg.WeChat.AppSecret != "" {
		return models.ChannelWeChatCS
	}
	return models.ChannelSink
}

// senders returns the outbound platform adapters keyed by outbox channel.
func (a *App) senders() (map[string]bot.Sender, error) {
	client := &http.Client{Timeout: 10 * time.Second}
	s := map[string]bot.Sender{
		models.ChannelWeComRobot: wecom.NewRobot(wecom.WithRobotBaseURL(a.cfg.WeCom.APIBase),
			wecom.WithRobotHTTPClient(client), wecom.WithRobotRateLimitWait(a.cfg.Outbox.RateLimitWait),
			wecom.WithRobotFiles(a.db)),
		models.ChannelDingTalkRobot: dingtalk.NewRobot(dingtalk.WithRobotBaseURL(a.cfg.DingTalk.APIBase),
			dingtalk.WithRobotHTTPClient(client), dingtalk.WithRobotRateLimitWait(a.cfg.Outbox.RateLimitWait)),
	}
	sink := notify.NewSink(a.log, 200)
	s[models.ChannelSink] = sink
	if err := a.staffSenders(s, sink); err != nil {
		return nil, err
	}
	if err := a.dingTalkCards(s, sink); err != nil {
		return nil, err
	}
	if a.cfg.WeChat.AppSecret != "" {
		opts := []wechat.SenderOption{wechat.WithLogger(a.log)}
		if a.cfg.WeChat.TemplateID != "" {
			opts = append(opts, wechat.WithTemplate(a.cfg.WeChat.TemplateID, a.cfg.WeChat.TemplateField))
		}
		cs, err := wechat.NewCSSender(wechat.SenderConfig{AppID: a.cfg.WeChat.AppID, AppSecret: a.cfg.WeChat.AppSecret},
			wechat.NewRedisCache(a.rdb, keyPrefix), opts...)
		if err != nil {
			return nil, fmt.Errorf("wechat.app_secret: %w", err)
		}
		s[models.ChannelWeChatCS] = cs
	}
	return s, nil
}

// dingTalkCardsOn reports whether DingTalk interactive cards are
// configured (the card platform, not the sink, carries dingtalk_card).
func (a *App) dingTalkCardsOn() bool {
	dt := a.cfg.DingTalk
	return dt.CardTemplateID != "" && dt.AppSecret != "" && (a.embedded == nil || !a.embedded.demoDingTalk)
}

// dingTalkCards adds the DingTalk interactive card channel: the card
// platform when dingtalk.card_template_id is set (not with the demo
// credentials), else the sink. In http mode the card callback URL is
// registered under dingtalk.card_route_key; a failure is logged, not
// fatal (DingTalk keeps an earlier registration).
func (a *App) dingTalkCards(s map[string]bot.Sender, sink bot.Sender) error {
	s[models.ChannelDingTalkCard] = sink
	dt := a.cfg.DingTalk
	if !a.dingTalkCardsOn() {
		return nil
	}
	api, err := a.dingTalkAPI()
	if err != nil {
		return err
	}
	cfg := dingtalk.CardConfig{TemplateID: dt.CardTemplateID}
	if dt.Mode == config.DingTalkHTTP {
		cfg.CallbackRouteKey = dt.CardRouteKey
		a.registerCardCallback(api)
	}
	cards, err := dingtalk.NewCardSender(api, cfg)
	if err != nil {
		return fmt.Errorf("dingtalk.card_template_id: %w", err)
	}
	s[models.ChannelDingTalkCard] = cards
	return nil
}

// dingTalkAPI is the app's api.dingtalk.com client (token shared in Redis).
func (a *App) dingTalkAPI() (*dingtalk.OpenAPI, error) {
	dt := a.cfg.DingTalk
	api, err := dingtalk.NewOpenAPI(dingtalk.AppConfig{AppKey: dt.AppKey, AppSecret: dt.AppSecret, RobotCode: dt.RobotCode},
		a.rdb, keyPrefix, dingtalk.WithOpenAPIBase(dt.OpenAPIBase), dingtalk.WithLogger(a.log),
		dingtalk.WithRateLimitWait(a.cfg.Outbox.RateLimitWait))
	if err != nil {
		return nil, fmt.Errorf("dingtalk.app_key: %w", err)
	}
	return api, nil
}

// registerCardCallback registers public_url/webhooks/dingtalk/card?token=…
// as the card callback; without public_url it must be registered by hand.
func (a *App) registerCardCallback(api *dingtalk.OpenAPI) {
	if a.cfg.PublicURL == "" {
		a.log.Warn("dingtalk cards: no public_url; register the card callback URL by hand (README)")
		return
	}
	callback := strings.TrimRight(a.cfg.PublicURL, "/") + "/webhooks/dingtalk/card?token=" + url.QueryEscape(a.cfg.DingTalk.CardCallbackToken)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := api.RegisterCallback(ctx, a.cfg.DingTalk.CardRouteKey, callback); err != nil {
		a.log.Warn("dingtalk cards: callback registration failed; clicks reach an earlier registration if any", "err", err)
	}
}

// wireStream builds the DingTalk Stream client in stream mode (not with
// the demo credentials): its frames run the webhooks' step path and
// /readyz reports whether a replica holds the connection.
func (a *App) wireStream(deps handlers.Deps) error {
	dt := a.cfg.DingTalk
	if dt.Mode != config.DingTalkStream || dt.AppSecret == "" || (a.embedded != nil && a.embedded.demoDingTalk) {
		return nil
	}
	c, err := stream.New(stream.Config{ClientID: dt.AppKey, ClientSecret: dt.AppSecret, OpenAPIBase: dt.OpenAPIBase},
		handlers.NewDingTalkStream(deps), a.rdb, keyPrefix, a.log)
	if err != nil {
		return fmt.Errorf("dingtalk.mode: %w", err)
	}
	deps.Ready["dingtalk_stream"] = c.Ready
	a.dingStream = c
	return nil
}

// startStream runs the Stream client on a worker until the returned stop
// (which waits for it to give up its lease).
func (a *App) startStream(ctx context.Context) func() {
	if a.dingStream == nil {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); a.dingStream.Run(ctx) }()
	return func() { cancel(); <-done }
}
