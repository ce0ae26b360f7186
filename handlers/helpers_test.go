package handlers

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"tapline/bot"
	"tapline/bot/dingtalk"
	"tapline/bot/metrics"
	"tapline/bot/notify"
	"tapline/bot/redisstore"
	"tapline/bot/redisstore/redistest"
	"tapline/bot/simclient"
	"tapline/bot/wechat"
	"tapline/bot/wecom"
	"tapline/handlers/apitest"
	"tapline/models/store"
	"tapline/models/store/storetest"
)

const (
	testToken  = "tapline-test-token"
	testAppID  = "wx0123456789abcdef"
	testAESKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	testAdmin  = "admin-token-0123456789"
	testCorpID = "ww0123456789abcdef"
	// testDingSecret is a made-up DingTalk app secret.
	testDingSecret = "ding-test-secret-0123456789"
)

// nopScheduler arms nothing: the tests read the outbox rows themselves.
type nopScheduler struct{}

func (nopScheduler) Enqueue(context.Context, ...uint64) error           { return nil }
func (nopScheduler) EnqueueAt(context.Context, uint64, time.Time) error { return nil }

// fakeDialog answers every update with a fixed prefix and the text, after
// an optional delay, counting calls.
type fakeDialog struct {
	calls atomic.Int32
	delay time.Duration
	err   error
}

func (d *fakeDialog) Handle(ctx context.Context, u bot.Update) (bot.Reply, error) {
	d.calls.Add(1)
	if d.delay > 0 {
		time.Sleep(d.delay)
	}
	if d.err != nil {
		return bot.Reply{}, d.err
	}
	return bot.Reply{Text: "收到：" + u.Text}, nil
}

type fakeNotifier struct {
	mu    sync.Mutex
	texts []string
	sent  chan struct{}
}

func (n *fakeNotifier) NotifyResident(ctx context.Context, openID, text string) error {
	n.mu.Lock()
	n.texts = append(n.texts, openID+":"+text)
	n.mu.Unlock()
	n.sent <- struct{}{}
	return nil
}

// fakeStaff answers every staff update, counting calls.
type fakeStaff struct {
	calls atomic.Int32
	last  atomic.Value // bot.Update
}

func (f *fakeStaff) Handle(ctx context.Context, u bot.Update) (bot.Reply, error) {
	f.calls.Add(1)
	f.last.Store(u)
	return bot.Reply{Text: "已接单：" + u.Text}, nil
}

type env struct {
	staff    *fakeStaff
	srv      *httptest.Server
	dialog   *fakeDialog
	notifier *fakeNotifier
	db       *store.DB
	dedupe   *redisstore.Dedupe
	rdb      *redis.Client
	prefix   string
	metrics  *metrics.Metrics
	plain    *simclient.Client
	aes      *simclient.Client
}

// newEnv runs the handlers on a real store and Redis with a fake dialog;
// the Official Account is in its default mode with an AES key: safe mode.
func newEnv(t *testing.T, budget time.Duration) *env {
	t.Helper()
	return newEnvMode(t, budget, "")
}

// newEnvMode is newEnv with the Official Account in the given server mode.
func newEnvMode(t *testing.T, budget time.Duration, mode string) *env {
	t.Helper()
	return newEnvWith(t, envOpts{budget: budget, wechatMode: mode})
}

// envOpts vary the test server: the reply budget, the Official Account's
// mode, DingTalk's callback encryption, and any other dependency.
type envOpts struct {
	budget     time.Duration
	wechatMode string
	dingCrypto *dingtalk.Crypto
	deps       func(*Deps)
}

// newEnvWith is newEnv with o.
func newEnvWith(t *testing.T, o envOpts) *env {
	t.Helper()
	budget, mode := o.budget, o.wechatMode
	rdb, prefix := redistest.New(t)
	e := &env{staff: &fakeStaff{}, dialog: &fakeDialog{}, notifier: &fakeNotifier{sent: make(chan struct{}, 10)}, db: storetest.Open(t)}
	e.dedupe, e.rdb, e.prefix = redisstore.NewDedupe(rdb, prefix, time.Minute), rdb, prefix
	e.metrics = metrics.New()
	v, err := wechat.NewVerifier(wechat.Config{AppID: testAppID, Token: testToken, EncodingAESKey: testAESKey, Mode: mode},
		bot.SystemClock{}, wechat.WithReplays(redisstore.NewReplays(rdb, prefix)))
	if err != nil {
		t.Fatal(err)
	}
	app, err := wecom.NewAppVerifier(wecom.AppConfig{CorpID: testCorpID, Token: testToken, EncodingAESKey: testAESKey}, nil)
	if err != nil {
		t.Fatal(err)
	}
	wbot, err := wecom.NewBotVerifier(wecom.BotConfig{Token: testToken, EncodingAESKey: testAESKey}, nil)
	if err != nil {
		t.Fatal(err)
	}
	dingOpts := []dingtalk.VerifierOption{dingtalk.WithReplays(redisstore.NewReplays(rdb, prefix))}
	if o.dingCrypto != nil {
		dingOpts = append(dingOpts, dingtalk.WithEncryption(o.dingCrypto))
	}
	d := Deps{
		WeComApp: app, WeComBot: wbot, DingTalk: dingtalk.NewVerifier(testDingSecret, 0, nil, dingOpts...),
		Staff: e.staff, Poster: notify.NewPoster(e.db, nopScheduler{}),
		Logger: slog.New(slog.DiscardHandler), Metrics: e.metrics, AdminToken: testAdmin,
		WeChat: v, Dialog: e.dialog, Dedupe: e.dedupe, Notifier: e.notifier,
		Inbound: e.db, Cases: e.db, Outbox: e.db, Parked: e.db, ReplyBudget: budget,
		Ready: map[string]Checker{"database": e.db.Ping, "redis": func(ctx context.Context) error { return rdb.Ping(ctx).Err() }},
	}
	if o.deps != nil {
		o.deps(&d)
	}
	e.srv = httptest.NewServer(apitest.MustNew(t, OpenAPI()).Middleware(t, New(d)))
	t.Cleanup(e.srv.Close)
	url := e.srv.URL + "/webhooks/wechat"
	e.plain = &simclient.Client{URL: url, Token: testToken, OA: "gh_test"}
	e.aes = &simclient.Client{URL: url, Token: testToken, AppID: testAppID, EncodingAESKey: testAESKey, OA: "gh_test"}
	return e
}

func (e *env) inboundCount(t *testing.T) int64 {
	t.Helper()
	var n int64
	if err := e.db.Gorm().Table("inbound_messages").Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}
