package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"tapline/bot"
	"tapline/bot/calendar"
	"tapline/bot/casework"
	"tapline/bot/dingtalk/stream"
	"tapline/bot/download"
	"tapline/bot/jobs"
	"tapline/bot/metrics"
	"tapline/bot/notify"
	"tapline/bot/policy"
	"tapline/bot/prevent"
	"tapline/bot/publish"
	"tapline/bot/remind"
	"tapline/bot/report"
	"tapline/cmd/internal/config"
	"tapline/handlers"
	"tapline/models/store"
)

// newClock is the process's clock; the end-to-end tests replace it to run
// half an hour of deadlines in a second.
var newClock = func() bot.Clock { return bot.SystemClock{} }

// App is the wired process: its services, in the order they close.
type App struct {
	cfg      config.Config
	log      *slog.Logger
	clock    bot.Clock
	metrics  *metrics.Metrics
	policy   *policy.Policy
	db       *store.DB
	rdb      redis.UniversalClient
	asynqOpt asynq.RedisConnOpt
	enq      *notify.Enqueuer
	client   *asynq.Client
	embedded *embedded
	handler  http.Handler
	work     *casework.Service
	remind   *remind.Service
	prevent  *prevent.Service
	calendar *calendar.Calendar
	report   *report.Service
	publish  *publish.Service
	signer   *download.Signer
	egress   *notify.Egress
	sched    *jobs.Scheduler
	closers  []func()
	// dingStream holds the DingTalk Stream connection (dingtalk.mode
	// stream); nil in http mode.
	dingStream *stream.Client
}

// Open connects every service the configuration names (or starts the
// embedded ones) and wires the handlers.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	a := &App{cfg: cfg, log: log, clock: newClock(), metrics: metrics.New()}
	steps := []func(context.Context) error{a.openPolicy, a.openRedis, a.openDB, a.openQueue, a.wire}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			a.Close()
			return nil, err
		}
	}
	return a, nil
}

// backendDialer opens the connections to MySQL and Redis (counted by
// bot/metrics; the timeout bounds an unreachable server).
var backendDialer = &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}

func (a *App) openPolicy(context.Context) error {
	p, err := policy.Load(a.cfg.PolicyFile)
	if err != nil {
		return fmt.Errorf("policy_file: %w", err)
	}
	a.policy = p
	return nil
}

func (a *App) openRedis(ctx context.Context) error {
	addr := a.cfg.RedisAddr
	if a.cfg.Embedded() {
		e, err := startEmbedded(a.cfg.DataDir, a.log)
		if err != nil {
			return err
		}
		a.embedded, addr = e, e.redis.Addr()
		a.closers = append(a.closers, e.Close)
		e.applyDemo(&a.cfg)
	}
	opt := &redis.Options{Addr: addr, Password: a.cfg.RedisPassword, DB: a.cfg.RedisDB,
		Dialer: a.metrics.CountRoundTrips("redis", backendDialer.DialContext)}
	a.rdb = redis.NewClient(opt)
	a.closers = append(a.closers, func() { _ = a.rdb.Close() })
	a.asynqOpt = asynq.RedisClientOpt{Addr: addr, Password: a.cfg.RedisPassword, DB: a.cfg.RedisDB}
	if err := a.rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redis_addr: %s: %w", addr, err)
	}
	return nil
}

func (a *App) openDB(ctx context.Context) error {
	sc := store.Config{MySQLDSN: a.cfg.MySQLDSN, Logger: a.log, Now: a.clock.Now,
		Dial: a.metrics.CountRoundTrips("mysql", backendDialer.DialContext)}
	if a.cfg.Embedded() {
		sc.SQLitePath = a.embedded.sqlitePath
	}
	db, err := store.Open(ctx, sc)
	if err != nil {
		if a.cfg.MySQLDSN != "" {
			return fmt.Errorf("mysql_dsn: %w", err)
		}
		return fmt.Errorf("data_dir: %w", err)
	}
	a.db = db
	a.closers = append(a.closers, func() { _ = db.Close() })
	return nil
}

func (a *App) openQueue(context.Context) error {
	a.client = asynq.NewClientFromRedisClient(a.rdb) // the web path's enqueues are counted with its other Redis round trips
	a.closers = append(a.closers, func() { _ = a.client.Close() })
	a.enq = notify.NewEnqueuer(a.client, a.db, notify.WithQueue(a.cfg.Outbox.Queue), notify.WithEnqueueClock(a.clock))
	return nil
}

// Run serves until ctx ends, then shuts down gracefully.
func (a *App) Run(ctx context.Context, out io.Writer) error {
	errc := make(chan error, 2)
	metricsURL, stopMetrics, err := a.startMetrics(errc)
	if err != nil {
		return err
	}
	defer stopMetrics()
	if a.cfg.Role != config.RoleWorker {
		ln, err := net.Listen("tcp", a.cfg.HTTPAddr)
		if err != nil {
			return fmt.Errorf("http_addr: %w", err)
		}
		srv := a.httpServer()
		go func() { errc <- serve(srv, ln) }()
		defer shutdown(srv)
		a.printBanner(out, ln.Addr().String(), metricsURL)
	}
	if a.cfg.Role != config.RoleWeb {
		stopWorker, err := a.startWorker(ctx)
		if err != nil {
			return err
		}
		defer stopWorker()
		defer a.startStream(ctx)()
	}
	select {
	case <-ctx.Done():
		a.log.Info("shutting down")
		return nil
	case err := <-errc:
		return err
	}
}

// startMetrics serves /metrics on metrics_addr, a listener of its own
// (loopback by default; every role has one), and returns its URL; "off"
// serves none.
func (a *App) startMetrics(errc chan<- error) (string, func(), error) {
	if a.cfg.MetricsAddr == config.MetricsOff {
		return "", func() {}, nil
	}
	ln, err := net.Listen("tcp", a.cfg.MetricsAddr)
	if err != nil {
		return "", nil, fmt.Errorf("metrics_addr: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", handlers.MetricsHandler(a.metrics))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: a.cfg.ReadTimeout,
		WriteTimeout: a.cfg.WriteTimeout, IdleTimeout: a.cfg.IdleTimeout}
	go func() { errc <- serve(srv, ln) }()
	u := "http://" + ln.Addr().String() + "/metrics"
	a.log.Info("metrics listening", "url", u)
	return u, func() { shutdown(srv) }, nil
}

// httpServer is the public listener's server: every phase of a
// connection has a deadline (a slow client cannot hold it without end).
func (a *App) httpServer() *http.Server {
	return &http.Server{Handler: a.handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: a.cfg.ReadTimeout,
		WriteTimeout: a.cfg.WriteTimeout, IdleTimeout: a.cfg.IdleTimeout}
}

func serve(srv *http.Server, ln net.Listener) error {
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("http: %w", err)
	}
	return nil
}

func shutdown(srv *http.Server) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = srv.Shutdown(ctx)
}

// Close releases every service in reverse order of opening.
func (a *App) Close() {
	for i := len(a.closers) - 1; i >= 0; i-- {
		a.closers[i]()
	}
	a.closers = nil
}
