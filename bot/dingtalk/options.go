package dingtalk

import (
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// options are the optional settings of SessionSender and OpenAPI.
type options struct {
	client  *http.Client
	log     *slog.Logger
	wait    time.Duration
	command CommandFunc
	apiBase string
	margin  time.Duration
}

func defaultOptions() options {
	return options{
		client:  &http.Client{Timeout: 10 * time.Second},
		log:     slog.New(slog.DiscardHandler),
		wait:    time.Minute,
		command: CommandText,
		apiBase: DefaultOpenAPIBase,
		margin:  5 * time.Minute,
	}
}

// Option configures a SessionSender or an OpenAPI client.
type Option func(*options)

// WithHTTPClient replaces the HTTP client (default: 10 s timeout). Its
// timeout bounds every call.
func WithHTTPClient(c *http.Client) Option {
	return func(o *options) { o.client = c }
}

// WithLogger sets the logger (default: discard). Tokens, secrets and
// session URLs are never logged.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) { o.log = l }
}

// WithRateLimitWait sets how long the deliverer should wait after DingTalk
// reports a rate limit (default 1 minute; robots are throttled for minutes).
func WithRateLimitWait(d time.Duration) Option {
	return func(o *options) { o.wait = d }
}

// WithCommandText replaces CommandText, e.g. to prefix an "@robot" mention
// or use another command grammar.
func WithCommandText(f CommandFunc) Option {
	return func(o *options) { o.command = f }
}

// WithOpenAPIBase replaces https://api.dingtalk.com (proxy, test fake).
func WithOpenAPIBase(base string) Option {
	return func(o *options) { o.apiBase = strings.TrimRight(base, "/") }
}

// WithTokenMargin sets how long before its expiry a cached access token is
// dropped (default 5 minutes).
func WithTokenMargin(d time.Duration) Option {
	return func(o *options) { o.margin = d }
}
