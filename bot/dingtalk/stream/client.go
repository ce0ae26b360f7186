// Package stream is DingTalk's Stream mode: instead of webhooks, the app
// opens a WebSocket to DingTalk (POST /v1.0/gateway/connections/open →
// endpoint and ticket) and receives robot messages and card callbacks as
// frames, each answered (ACKed) by messageId.
//
// Designed for the field failures reported against the official SDKs: a
// frame is ACKed only after the handler returned (the handler records and
// dedupes it first, so a frame redelivered after a lost ACK is handled
// once); the server's disconnect frame and 60 s without a frame reconnect;
// failures reconnect with backoff. Across replicas one connection per app
// is held, decided by a Redis lease another replica takes over within its
// time to live.
package stream

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/redis/go-redis/v9"
)

// Topics of the frames Tapline subscribes to.
const (
	TopicRobot = "/v1.0/im/bot/messages/get"     // robot messages (@ in groups, 1:1)
	TopicCard  = "/v1.0/card/instances/callback" // interactive card button clicks
)

// Config is one app's Stream connection.
type Config struct {
	ClientID     string // AppKey
	ClientSecret string // AppSecret; never logged
	OpenAPIBase  string // https://api.dingtalk.com
	Topics       []string
	Idle         time.Duration // reconnect after this long without a frame (default 60 s)
	LeaseTTL     time.Duration // lease time to live (default 8 s: takeover within 10 s)
	Poll         time.Duration // how often a standby replica tries the lease (default 1 s)
	MinBackoff   time.Duration // first wait after a failed connection (default 1 s)
	MaxBackoff   time.Duration // longest wait (default 30 s)
	HandleLimit  time.Duration // bound of one frame's handling (default 30 s)
}

func (c *Config) defaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.Idle, 60*time.Second)
	def(&c.LeaseTTL, 8*time.Second)
	def(&c.Poll, time.Second)
	def(&c.MinBackoff, time.Second)
	def(&c.MaxBackoff, 30*time.Second)
	def(&c.HandleLimit, 30*time.Second)
	if len(c.Topics) == 0 {
		c.Topics = []string{TopicRobot, TopicCard}
	}
	c.OpenAPIBase = strings.TrimRight(c.OpenAPIBase, "/")
}

// Handler handles one CALLBACK frame's data and returns the data of its
// ACK. It must record and dedupe the frame before returning: the ACK
// follows. An error leaves the frame un-ACKed, so DingTalk delivers it
// again.
type Handler func(ctx context.Context, topic string, data []byte) ([]byte, error)

// Client holds the Stream connection of one app. Run it on every replica;
// Ready reports whether any replica is connected.
type Client struct {
	cfg       Config
	handle    Handler
	lease     *Lease
	rdb       redis.UniversalClient
	upKey     string
	log       *slog.Logger
	http      *http.Client
	dialer    *websocket.Dialer
	connected atomic.Bool
	handled   atomic.Int64
}

// New returns a Client; rdb and prefix hold the lease and the connection
// status shared by the replicas.
func New(cfg Config, handle Handler, rdb redis.UniversalClient, prefix string, log *slog.Logger) (*Client, error) {
	if cfg.ClientID == "" || cfg.ClientSecret == "" || cfg.OpenAPIBase == "" || handle == nil || rdb == nil {
		return nil, errors.New("dingtalk stream: client ID, secret, open API base, handler and redis are required")
	}
	cfg.defaults()
	return &Client{cfg: cfg, handle: handle, rdb: rdb, log: log.With("component", "dingtalk.stream"),
		lease:  NewLease(rdb, prefix, cfg.ClientID, cfg.LeaseTTL),
		upKey:  prefix + "dingtalk:stream:up:" + cfg.ClientID,
		http:   &http.Client{Timeout: 10 * time.Second},
		dialer: &websocket.Dialer{HandshakeTimeout: 10 * time.Second}}, nil
}

// Connected reports whether this replica holds an open connection.
func (c *Client) Connected() bool { return c.connected.Load() }

// Handled counts the frames this replica handled and ACKed.
func (c *Client) Handled() int64 { return c.handled.Load() }

// Ready is the /readyz check: nil when some replica holds the app's
// connection (its status key is renewed with the lease).
func (c *Client) Ready(ctx context.Context) error {
	n, err := c.rdb.Exists(ctx, c.upKey).Result()
	if err != nil {
		return err
	}
	if n == 0 {
		return errors.New("dingtalk stream: no replica is connected")
	}
	return nil
}

// Run keeps the connection while this replica holds the lease, and waits
// for the lease otherwise, until ctx ends; then the lease is given up.
func (c *Client) Run(ctx context.Context) {
	for ctx.Err() == nil {
		ok, err := c.lease.Acquire(ctx)
		if err != nil && ctx.Err() == nil {
			c.log.Warn("dingtalk stream: lease unavailable", "err", err)
		}
		if ok {
			c.hold(ctx)
			continue
		}
		sleep(ctx, c.cfg.Poll)
	}
}

// hold connects and reconnects while renewing the lease; a lease lost (or
// Redis unreachable: fail closed) ends the connection.
func (c *Client) hold(ctx context.Context) {
	hctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go c.renew(hctx, cancel)
	c.log.Info("dingtalk stream: lease taken; connecting")
	c.connectLoop(hctx)
	rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer rcancel()
	if ctx.Err() != nil { // shutting down: let another replica take over at once
		if err := c.lease.Release(rctx); err != nil {
			c.log.Warn("dingtalk stream: lease release failed", "err", err)
		}
	}
}

// renew extends the lease every third of its life and refreshes the
// connection status while connected.
func (c *Client) renew(ctx context.Context, lost context.CancelFunc) {
	t := time.NewTicker(c.cfg.LeaseTTL / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		ok, err := c.lease.Renew(ctx)
		if err != nil || !ok {
			if ctx.Err() == nil {
				c.log.Warn("dingtalk stream: lease lost; disconnecting", "err", err)
			}
			lost()
			return
		}
		if c.connected.Load() {
			c.markUp(ctx)
		}
	}
}

// connectLoop runs sessions until ctx ends: at once after a disconnect
// frame, else after a backoff that doubles up to MaxBackoff (with jitter)
// and starts over after a session that lasted a minute.
func (c *Client) connectLoop(ctx context.Context) {
	backoff := c.cfg.MinBackoff
	for ctx.Err() == nil {
		start := time.Now()
		err := c.session(ctx)
		if ctx.Err() != nil {
			return
		}
		if errors.Is(err, errDisconnect) {
			c.log.Info("dingtalk stream: server asked to reconnect")
			backoff = c.cfg.MinBackoff
			continue
		}
		if time.Since(start) > time.Minute {
			backoff = c.cfg.MinBackoff
		}
		c.log.Warn("dingtalk stream: connection ended; reconnecting", "err", err, "after", backoff)
		sleep(ctx, backoff/2+rand.N(backoff/2+1))
		backoff = min(2*backoff, c.cfg.MaxBackoff)
	}
}

// markUp records that this replica is connected, for Ready on any replica.
func (c *Client) markUp(ctx context.Context) {
	if err := c.rdb.Set(ctx, c.upKey, c.lease.owner, 2*c.cfg.LeaseTTL).Err(); err != nil {
		c.log.Warn("dingtalk stream: status not recorded", "err", err)
	}
}

// markDown clears the status if it is this replica's.
func (c *Client) markDown() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = releaseScript.Run(ctx, c.rdb, []string{c.upKey}, c.lease.owner).Err()
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// errDisconnect is the server's disconnect frame.
var errDisconnect = fmt.Errorf("dingtalk stream: disconnect frame")
