package dingtalk

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"tapline/bot"
)

// DefaultRobotBaseURL is the public DingTalk open API host.
const DefaultRobotBaseURL = "https://oapi.dingtalk.com"

// Robot error codes, from the custom robot's error table as copied in
// PLATFORMS.md §3.1 and many SDKs.
const (
	codeSendTooFast  = 130101 // send too fast, exceed 20 times per minute
	codeThrottled    = 410100 // 发送速度太快而限流
	codeSecurity     = 310000 // keyword, signature or IP whitelist mismatch
	codeInvalidToken = 300001 // token is not exist / invalid
	codeNoToken      = 400101 // access_token 不存在
	codeDisabled     = 400102 // 机器人已停用
	codeBadType      = 400105 // 不支持的消息类型
	codeNoRobot      = 400106 // 机器人不存在
	maxAnswer        = 64 << 10
)

var _ bot.Sender = (*Robot)(nil)

// Robot sends messages through a DingTalk custom robot:
// POST {base}/robot/send?access_token=T[&timestamp=MS&sign=S]. The target of
// Send is made by Target (token, optionally "|secret"); it never appears
// unmasked in an error.
type Robot struct {
	base   string
	client *http.Client
	clock  bot.Clock
	wait   time.Duration
}

// RobotOption configures a Robot.
type RobotOption func(*Robot)

// WithRobotBaseURL replaces the API host (proxy, test fake).
func WithRobotBaseURL(base string) RobotOption {
	return func(r *Robot) { r.base = strings.TrimRight(base, "/") }
}

// WithRobotHTTPClient replaces the HTTP client (default: 10 s timeout).
func WithRobotHTTPClient(c *http.Client) RobotOption {
	return func(r *Robot) { r.client = c }
}

// WithRobotClock sets the clock that stamps signatures.
func WithRobotClock(c bot.Clock) RobotOption {
	return func(r *Robot) { r.clock = c }
}

// WithRobotRateLimitWait sets how long to wait after DingTalk reports the
// send rate limit (default 1 minute).
func WithRobotRateLimitWait(d time.Duration) RobotOption {
	return func(r *Robot) { r.wait = d }
}

// NewRobot returns a Robot for the public DingTalk API unless options say
// otherwise.
func NewRobot(opts ...RobotOption) *Robot {
	r := &Robot{
		base:   DefaultRobotBaseURL,
		client: &http.Client{Timeout: 10 * time.Second},
		clock:  bot.SystemClock{},
		wait:   time.Minute,
	}
	for _, o := range opts {
		o(r)
	}
	return r
}

// Send delivers msg to the robot's group. Errors wrap bot.ErrPermanent for
// a bad token, signature, keyword or message, are a *bot.RetryAfterError on
// the rate limit, and are retryable otherwise.
func (r *Robot) Send(ctx context.Context, target string, msg bot.Message) error {
	token, secret := parseTarget(target)
	if token == "" {
		return fmt.Errorf("dingtalk robot: empty access token: %w", bot.ErrPermanent)
	}
	body, err := RobotPayload(msg)
	if err != nil {
		return fmt.Errorf("dingtalk robot token=%s: %w", bot.Mask(token), err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.sendURL(token, secret), bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("dingtalk robot token=%s: build request: %w", bot.Mask(token), bot.ErrPermanent)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := r.client.Do(req)
	if err != nil {
		return transportError(token, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return &bot.APIError{Op: "dingtalk robot token=" + bot.Mask(token), Status: resp.StatusCode, Msg: "read body: " + err.Error()}
	}
	return r.classify(token, secret, resp.StatusCode, data)
}

// sendURL builds the signed webhook URL; url.Values escapes the base64
// signature ("+" → %2B, "/" → %2F, "=" → %3D) as DingTalk requires.
func (r *Robot) sendURL(token, secret string) string {
	q := url.Values{"access_token": {token}}
	if secret != "" {
		ts := r.clock.Now().UnixMilli()
		q.Set("timestamp", strconv.FormatInt(ts, 10))
		q.Set("sign", Sign(ts, secret))
	}
	return r.base + "/robot/send?" + q.Encode()
}

// classify turns the HTTP status and the JSON answer into nil or an error
// of the right kind. An HTTP 200 alone is never trusted.
func (r *Robot) classify(token, secret string, status int, data []byte) error {
	e := &bot.APIError{Op: "dingtalk robot token=" + bot.Mask(token), Status: status}
	if done, err := bot.ReadErrcode(e, status, data, r.wait); done {
		return err
	}
	e.Msg = scrub(e.Msg, token, secret)
	switch e.Code {
	case codeSendTooFast, codeThrottled:
		return &bot.RetryAfterError{After: r.wait, Err: e}
	case codeSecurity, codeInvalidToken, codeNoToken, codeDisabled, codeBadType, codeNoRobot:
		e.Permanent = true
	}
	return e
}

// transportError drops the URL (token, signature) from a client error and
// keeps the cause, so timeouts stay recognisable and retryable.
func transportError(token string, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Errorf("dingtalk robot token=%s: post: %w", bot.Mask(token), err)
}

// scrub removes credentials from a platform message and bounds its length.
func scrub(msg, token, secret string) string {
	msg = strings.ReplaceAll(msg, token, bot.Mask(token))
	if secret != "" {
		msg = strings.ReplaceAll(msg, secret, "****")
	}
	if r := []rune(msg); len(r) > 200 {
		msg = string(r[:200]) + "…"
	}
	return msg
}
