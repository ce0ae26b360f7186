// Package wecom talks to WeCom (企业微信). This file is the group robot
// webhook (群机器人, PLATFORMS.md §2.3): push-only messages into a
// department group, with every errcode checked.
package wecom

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"tapline/bot"
)

// DefaultRobotBaseURL is the public WeCom API host.
const DefaultRobotBaseURL = "https://qyapi.weixin.qq.com"

// Robot error codes (developer.work.weixin.qq.com global error codes;
// PLATFORMS.md §2.3).
const (
	codeFreqLimit     = 45009  // api freq out of limit
	codeSendTooFast   = 130101 // "send too fast, exceed 20 times per minute"
	codeInvalidHook   = 93000  // invalid webhook url (wrong or deleted key)
	codeInvalidType   = 40008  // invalid message type
	codeInvalidParam  = 40058  // invalid parameter (malformed body)
	codeEmptyContent  = 44004  // empty text content
	maxErrBody        = 64 << 10
	defaultRobotWait  = time.Minute
	defaultRobotLimit = 10 * time.Second
)

var _ bot.Sender = (*Robot)(nil)

// Robot sends messages through the WeCom group robot webhook:
// POST {base}/cgi-bin/webhook/send?key=<target>. The target of Send is the
// robot key; it never appears unmasked in an error.
type Robot struct {
	base   string
	client *http.Client
	wait   time.Duration
	files  bot.FileSource
}

// RobotOption configures a Robot.
type RobotOption func(*Robot)

// WithRobotBaseURL replaces the API host (private deployment, proxy, test
// fake), e.g. "http://127.0.0.1:8080".
func WithRobotBaseURL(base string) RobotOption {
	return func(r *Robot) { r.base = strings.TrimRight(base, "/") }
}

// WithRobotHTTPClient replaces the HTTP client (default: 10 s timeout).
func WithRobotHTTPClient(c *http.Client) RobotOption {
	return func(r *Robot) { r.client = c }
}

// WithRobotRateLimitWait sets how long to wait after WeCom reports the
// frequency limit (default 1 minute).
func WithRobotRateLimitWait(d time.Duration) RobotOption {
	return func(r *Robot) { r.wait = d }
}

// NewRobot returns a Robot for the public WeCom API unless options say
// otherwise.
func NewRobot(opts ...RobotOption) *Robot {
	r := &Robot{
		base:   DefaultRobotBaseURL,
		client: &http.Client{Timeout: defaultRobotLimit},
		wait:   defaultRobotWait,
	}
	for _, o := range opts {
		o(r)
	}
	return r
}

// Send delivers msg to the group of the robot whose key is target. Errors
// wrap bot.ErrPermanent when the key or the message is invalid, are a
// *bot.RetryAfterError on the frequency limit, and are retryable otherwise
// (HTTP 5xx, timeouts, unknown errcodes).
func (r *Robot) Send(ctx context.Context, target string, msg bot.Message) error {
	if target == "" {
		return fmt.Errorf("wecom robot: empty key: %w", bot.ErrPermanent)
	}
	if msg.File != nil {
		return r.sendFile(ctx, target, msg.File)
	}
	body, err := RobotPayload(msg)
	if err != nil {
		return fmt.Errorf("wecom robot key=%s: %w", bot.Mask(target), err)
	}
	data, status, err := r.do(ctx, target, r.base+"/cgi-bin/webhook/send?key="+url.QueryEscape(target),
		"application/json; charset=utf-8", body)
	if err != nil {
		return err
	}
	return r.classify(target, status, data)
}

// classify turns the HTTP status and the JSON answer into nil or an error
// of the right kind. An HTTP 200 alone is never trusted.
func (r *Robot) classify(key string, status int, data []byte) error {
	e := &bot.APIError{Op: "wecom robot key=" + bot.Mask(key), Status: status}
	if done, err := bot.ReadErrcode(e, status, data, r.wait); done {
		return err
	}
	e.Msg = scrub(e.Msg, key)
	switch e.Code {
	case codeFreqLimit, codeSendTooFast:
		return &bot.RetryAfterError{After: r.wait, Err: e}
	case codeInvalidHook, codeInvalidType, codeInvalidParam, codeEmptyContent:
		e.Permanent = true
	}
	return e
}

// transportError drops the URL (which holds the key) from a client error and
// keeps the cause, so timeouts stay recognisable and retryable.
func transportError(key string, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Errorf("wecom robot key=%s: post: %w", bot.Mask(key), err)
}

// scrub removes the key from a platform message and bounds its length.
func scrub(msg, key string) string {
	msg = strings.ReplaceAll(msg, key, bot.Mask(key))
	if r := []rune(msg); len(r) > 200 {
		msg = string(r[:200]) + "…"
	}
	return msg
}
