package dingtalk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"tapline/bot"
)

// DefaultSessionBase is where DingTalk's session webhooks live
// (https://oapi.dingtalk.com/robot/sendBySession?session=…, PLATFORMS.md §3.2).
const DefaultSessionBase = "https://oapi.dingtalk.com/robot/sendBySession"

// codeSessionGone is the errcode of a session webhook that no longer exists
// ("session 不存在"), reported by open-source adapters once it expired.
const codeSessionGone = 300001

// SessionSender replies into a conversation through the sessionWebhook URL
// of an inbound message: Send's target is that URL. Only URLs under one of
// the allowed bases are ever requested, so a forged payload cannot make
// Tapline POST elsewhere (SSRF).
type SessionSender struct {
	allowed []*url.URL
	opt     options
}

var _ bot.Sender = (*SessionSender)(nil)

// NewSessionSender returns a sender that accepts targets under the allowed
// bases (scheme, host with port, and path prefix must match), normally
// []string{DefaultSessionBase}. A base must be absolute; http is only for
// test servers.
func NewSessionSender(allowed []string, opts ...Option) (*SessionSender, error) {
	if len(allowed) == 0 {
		return nil, errors.New("dingtalk: new session sender: no allowed base")
	}
	s := &SessionSender{opt: defaultOptions()}
	for _, a := range allowed {
		u, err := url.Parse(a)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
			return nil, fmt.Errorf("dingtalk: new session sender: bad base %q", a)
		}
		u.Path = strings.TrimRight(u.Path, "/")
		s.allowed = append(s.allowed, u)
	}
	for _, o := range opts {
		o(&s.opt)
	}
	c := *s.opt.client // never follow a redirect away from the allowed hosts
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	s.opt.client = &c
	return s, nil
}

// Allowed reports whether target is a URL this sender would POST to.
func (s *SessionSender) Allowed(target string) bool {
	u, err := url.Parse(target)
	if err != nil || u.User != nil || u.Opaque != "" || u.Fragment != "" || u.Host == "" {
		return false
	}
	if u.Path != "" && path.Clean(u.Path) != u.Path { // no "..", "//" or trailing tricks
		return false
	}
	for _, b := range s.allowed {
		if u.Scheme == b.Scheme && strings.EqualFold(u.Host, b.Host) &&
			(b.Path == "" || u.Path == b.Path || strings.HasPrefix(u.Path, b.Path+"/")) {
			return true
		}
	}
	return false
}

// Send posts msg to the session webhook target. Errors wrap
// bot.ErrPermanent for a foreign URL, an expired session (errcode 300001),
// a refused message or any other 4xx; they are a *bot.RetryAfterError on
// the rate limit and retryable otherwise.
func (s *SessionSender) Send(ctx context.Context, target string, msg bot.Message) error {
	if !s.Allowed(target) {
		return fmt.Errorf("dingtalk session: target not an allowed session webhook: %w", bot.ErrPermanent)
	}
	r, err := render(msg, s.opt.command)
	if err != nil {
		return fmt.Errorf("dingtalk session: %w", err)
	}
	body, err := json.Marshal(sessionBody(r))
	if err != nil {
		return fmt.Errorf("dingtalk session: encode: %v: %w", err, bot.ErrPermanent)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("dingtalk session: build request: %w", bot.ErrPermanent)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := s.opt.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) { // drop the URL: the session is a credential
			err = ue.Err
		}
		return fmt.Errorf("dingtalk session %s: post: %w", maskSession(target), err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	return classifySession(resp.StatusCode, data, maskSession(target), s.opt.wait)
}

// sessionBody is the JSON a session webhook takes: the custom robot's
// message format (PLATFORMS.md §3.1). No "at" block is sent.
func sessionBody(r rendered) map[string]any {
	switch r.kind {
	case kindText:
		return map[string]any{"msgtype": "text", "text": map[string]string{"content": r.text}}
	case kindActionCard:
		return map[string]any{"msgtype": "actionCard", "actionCard": map[string]string{
			"title": r.title, "text": r.text, "singleTitle": r.singleTitle, "singleURL": r.singleURL}}
	}
	return map[string]any{"msgtype": "markdown", "markdown": map[string]string{"title": r.title, "text": r.text}}
}

// classifySession turns the webhook's answer into nil or an error.
func classifySession(status int, data []byte, session string, wait time.Duration) error {
	e := &bot.APIError{Op: "dingtalk session " + session, Status: status}
	if done, err := bot.ReadErrcode(e, status, data, wait); done {
		return err
	}
	e.Msg = truncateRunes(e.Msg, 200)
	switch e.Code {
	case codeSendTooFast, codeThrottled:
		return &bot.RetryAfterError{After: wait, Err: e}
	case codeSessionGone, codeSecurity, codeNoToken, codeDisabled, codeBadType, codeNoRobot:
		e.Permanent = true
	}
	return e
}

// maskSession keeps the first characters of the session parameter only.
func maskSession(target string) string {
	u, err := url.Parse(target)
	if err != nil {
		return "session=****"
	}
	return "session=" + bot.Mask(u.Query().Get("session"))
}
