// Package handlers is the gin engine: one file per inbound surface, the
// admin API, health and metrics, and middleware that fails closed.
package handlers

import (
	"context"
	"log/slog"
	"time"

	"github.com/gin-gonic/gin"

	"tapline/bot"
	"tapline/bot/auth"
	"tapline/bot/dingtalk"
	"tapline/bot/metrics"
	"tapline/bot/notify"
	"tapline/bot/report"
	"tapline/bot/wechat"
	"tapline/bot/wecom"
	"tapline/models"
)

// MaxBody is the largest request body accepted (413 above it).
const MaxBody = 1 << 20

// Dialog runs one resident dialog step.
type Dialog interface {
	Handle(ctx context.Context, u bot.Update) (bot.Reply, error)
}

// Deduper recognises retried deliveries (see redisstore.Dedupe).
type Deduper interface {
	Claim(ctx context.Context, key string) (bool, error)
	Complete(ctx context.Context, key, reply string) error
	Release(ctx context.Context, key string) error
	Wait(ctx context.Context, key string) (string, bool)
	TakeDelivery(ctx context.Context, key string) (bool, error)
	TakePassive(ctx context.Context, key string) (bool, error)
}

// Notifier sends a text to a resident outside the passive reply (late
// answers): an outbox row, delivered by the worker.
type Notifier interface {
	NotifyResident(ctx context.Context, openID, text string) error
}

// Checker reports whether a dependency is reachable (for /readyz).
type Checker func(ctx context.Context) error

// Deps are the Server's collaborators. A platform verifier is nil when that
// platform is not configured: its webhook then answers 503.
type Deps struct {
	Logger     *slog.Logger
	Metrics    *metrics.Metrics
	Clock      bot.Clock
	AdminToken string
	WeChat     *wechat.Verifier
	WeComApp   *wecom.AppVerifier
	WeComBot   *wecom.BotVerifier
	DingTalk   *dingtalk.Verifier
	Staff      Staff
	Poster     Poster
	Dialog     Dialog
	Dedupe     Deduper
	Notifier   Notifier
	Inbound    models.InboundService
	Cases      models.CaseService
	Outbox     models.OutboxService
	Parked     ParkedTasks // nil: /api/v1/parked answers 503
	Ready      map[string]Checker
	// Desk signs people and integrations in and guards their reads and
	// actions (issue 6); nil: /api/v1 takes the admin token only.
	Desk *auth.Desk
	// Reports makes the ledger, charts and scorecard (issue 5); nil: 503.
	Reports *report.Service
	// FileLinks serves generated files to signed links (/files/:id); nil
	// answers 503.
	FileLinks *Files
	// Webhooks stores event subscriptions and Egress checks their URLs;
	// nil: the /webhooks routes answer 503.
	Webhooks models.WebhookService
	Egress   *notify.Egress
	// Idempotency keeps the answers of POSTs made with an Idempotency-Key
	// (shared by replicas); nil: such a request answers 503.
	Idempotency models.IdempotencyService
	// Queue arms the delivery of outbox rows written by a route (replays);
	// nil: the reconciler sends them.
	Queue notify.Arming
	// ReplyBudget is how long a webhook waits for the dialog before
	// answering "success" and sending the reply later (WeChat gives 5 s).
	ReplyBudget time.Duration
	// MetricsToken, when set, serves /metrics on this listener to scrapes
	// that bring it (Authorization: Bearer …); without it /metrics is only
	// on the metrics_addr listener (MetricsHandler).
	MetricsToken string
	// TrustedProxies are the addresses or CIDRs of the reverse proxies
	// whose X-Forwarded-For gives the client address (the per-address
	// password limit's key); none by default: the peer is the client.
	TrustedProxies []string
}

// Server holds the dependencies of every route.
type Server struct {
	Deps
	log      *slog.Logger
	refusals *logLimiter
}

// New builds the gin engine with every route registered.
func New(d Deps) *gin.Engine {
	if d.ReplyBudget == 0 {
		d.ReplyBudget = 4 * time.Second
	}
	if d.Clock == nil {
		d.Clock = bot.SystemClock{}
	}
	s := &Server{Deps: d, log: d.Logger.With("component", "http")}
	s.refusals = newLogLimiter(d.Clock.Now, refusalBurst, refusalRate)
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	if err := r.SetTrustedProxies(d.TrustedProxies); err != nil { // config validation catches this first
		s.log.Error("trusted_proxies invalid; trusting no proxy", "err", err)
		_ = r.SetTrustedProxies(nil)
	}
	r.Use(gin.CustomRecoveryWithWriter(nil, s.recovered), s.requestID, s.observe, limitBody, extendWrites)
	s.registerHealthRoutes(r)
	s.registerWeChatRoutes(r)
	s.registerWeComRoutes(r)
	s.registerDingTalkRoutes(r)
	r.GET("/files/:id", s.handleFile)
	api := r.Group("/api/v1")
	s.registerOpenAPIRoute(api)
	s.registerAdminRoutes(api.Group("", s.authenticate))
	s.registerReportRoutes(api.Group("", s.authenticate), d.Reports)
	r.NoRoute(func(c *gin.Context) { answer(c, probNoRoute, "没有这个接口：请看 /api/v1/openapi.json。") })
	return r
}
