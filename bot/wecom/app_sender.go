package wecom

// This file is the self-built app's API client (应用消息 message/send,
// update_template_card; PLATFORMS.md §2.2) with its access token kept in
// the shared silenceper cache.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/credential"

	"tapline/bot"
)

// AppSenderConfig holds the app's API credentials (应用管理 → AgentId, Secret).
type AppSenderConfig struct {
	CorpID  string
	AgentID string // numeric, e.g. "1000002"
	Secret  string
	BaseURL string // API host; "" = DefaultRobotBaseURL (https://qyapi.weixin.qq.com)
}

// AppSender sends app messages to WeCom users (bot.Sender; the target is
// user IDs joined by "|") and updates clicked cards. It is safe for
// concurrent use.
type AppSender struct {
	corpID, secret string
	agentID        int
	base           string
	client         *http.Client
	cache          cache.Cache
	tokenKey       string
	tokenMu        sync.Mutex
	wait           time.Duration
	clock          bot.Clock
	log            *slog.Logger
}

var _ bot.Sender = (*AppSender)(nil)

// AppSenderOption configures an AppSender.
type AppSenderOption func(*AppSender)

// WithAppHTTPClient replaces the HTTP client (default: 10 s timeout).
func WithAppHTTPClient(c *http.Client) AppSenderOption {
	return func(s *AppSender) { s.client = c }
}

// WithAppLogger sets the logger (default: discard).
func WithAppLogger(l *slog.Logger) AppSenderOption {
	return func(s *AppSender) { s.log = l.With("component", "wecom.app") }
}

// WithAppClock sets the clock used for task ids (default: system clock).
func WithAppClock(c bot.Clock) AppSenderOption {
	return func(s *AppSender) { s.clock = c }
}

// WithAppRateLimitWait sets the wait after a frequency limit (default 1 min).
func WithAppRateLimitWait(d time.Duration) AppSenderOption {
	return func(s *AppSender) { s.wait = d }
}

// NewAppSender returns a sender for the app in cfg. The cache (normally
// wechat.NewRedisCache) shares the access token between replicas, under
// the key silenceper's WorkAccessToken uses for the same CorpID and
// AgentID, so an SDK client for the same app reuses it.
func NewAppSender(cfg AppSenderConfig, c cache.Cache, opts ...AppSenderOption) (*AppSender, error) {
	if cfg.CorpID == "" || cfg.Secret == "" {
		return nil, errors.New("wecom: new app sender: CorpID and Secret are required")
	}
	agent, err := strconv.Atoi(cfg.AgentID)
	if err != nil || agent <= 0 {
		return nil, fmt.Errorf("wecom: new app sender: AgentID %q is not a positive number", cfg.AgentID)
	}
	if c == nil {
		return nil, errors.New("wecom: new app sender: cache is required")
	}
	base := strings.TrimRight(cfg.BaseURL, "/")
	if base == "" {
		base = DefaultRobotBaseURL
	}
	s := &AppSender{
		corpID: cfg.CorpID, secret: cfg.Secret, agentID: agent, base: base,
		client:   &http.Client{Timeout: defaultRobotLimit},
		cache:    c,
		tokenKey: fmt.Sprintf("%s_access_token_%s_%s", credential.CacheKeyWorkPrefix, cfg.CorpID, cfg.AgentID),
		wait:     defaultRobotWait,
		clock:    bot.SystemClock{},
		log:      slog.New(slog.DiscardHandler),
	}
	for _, o := range opts {
		o(s)
	}
	return s, nil
}

// apiAnswer is the common part of qyapi answers.
type apiAnswer struct {
	ErrCode      *int     `json:"errcode"`
	ErrMsg       string   `json:"errmsg"`
	AccessToken  string   `json:"access_token"`
	ExpiresIn    int      `json:"expires_in"`
	InvalidUser  userList `json:"invaliduser"`
	MsgID        string   `json:"msgid"`
	ResponseCode string   `json:"response_code"`
}

// userList is a list of user IDs as WeCom answers it: "a|b" from
// message/send, ["a","b"] from update_template_card.
type userList []string

// UnmarshalJSON accepts both forms (and null).
func (u *userList) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*u = nil
		for _, id := range strings.Split(s, "|") {
			if id != "" {
				*u = append(*u, id)
			}
		}
		return nil
	}
	var ids []string
	if err := json.Unmarshal(b, &ids); err != nil {
		return fmt.Errorf("invaliduser: %w", err)
	}
	*u = ids
	return nil
}

// call POSTs body to path with the access token. A rejected token
// (40001/40014/42001; PLATFORMS.md §4.2) is dropped from the cache and the
// call retried once with a fresh one.
func (s *AppSender) call(ctx context.Context, path string, body any) (*apiAnswer, error) {
	data, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("wecom app %s: encode: %w", path, errors.Join(bot.ErrPermanent, err))
	}
	for attempt := 0; ; attempt++ {
		tok, err := s.token(ctx)
		if err != nil {
			return nil, err
		}
		u := s.base + "/cgi-bin/" + path + "?access_token=" + url.QueryEscape(tok)
		ans, err := s.do(ctx, path, http.MethodPost, u, data, tok)
		if err != nil {
			return nil, err
		}
		if code := *ans.ErrCode; isTokenRejected(code) && attempt == 0 {
			s.log.Warn("access token rejected, refreshing", "errcode", code, "op", path)
			s.dropToken()
			continue
		}
		return ans, s.classify(path, http.StatusOK, ans, tok)
	}
}

// token returns the cached access token or fetches one (GET /cgi-bin/gettoken).
func (s *AppSender) token(ctx context.Context) (string, error) {
	if tok, ok := s.cache.Get(s.tokenKey).(string); ok && tok != "" {
		return tok, nil
	}
	s.tokenMu.Lock()
	defer s.tokenMu.Unlock()
	if tok, ok := s.cache.Get(s.tokenKey).(string); ok && tok != "" {
		return tok, nil
	}
	u := s.base + "/cgi-bin/gettoken?corpid=" + url.QueryEscape(s.corpID) + "&corpsecret=" + url.QueryEscape(s.secret)
	ans, err := s.do(ctx, "gettoken", http.MethodGet, u, nil, s.secret)
	if err != nil {
		return "", err
	}
	if err := s.classify("gettoken", http.StatusOK, ans, s.secret); err != nil {
		return "", err
	}
	if ans.AccessToken == "" {
		return "", &bot.APIError{Op: "wecom app gettoken", Status: http.StatusOK, Msg: "answer without access_token"}
	}
	ttl := time.Duration(ans.ExpiresIn)*time.Second - 10*time.Minute // refresh well before expiry
	if ttl < time.Minute {
		ttl = time.Minute
	}
	if err := s.cache.Set(s.tokenKey, ans.AccessToken, ttl); err != nil {
		s.log.Error("cache access token", "err", err)
	}
	return ans.AccessToken, nil
}

// dropToken removes the cached token after WeCom rejected it.
func (s *AppSender) dropToken() {
	if err := s.cache.Delete(s.tokenKey); err != nil {
		s.log.Error("drop cached access token", "err", err)
	}
}

// do performs one request and decodes the answer. HTTP failures become
// *bot.APIError (or *bot.RetryAfterError for 429); secret is scrubbed from
// every message.
func (s *AppSender) do(ctx context.Context, op, method, u string, body []byte, secret string) (*apiAnswer, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
	if err != nil {
		return nil, &bot.APIError{Op: "wecom app " + op, Msg: "build request", Permanent: true}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	resp, err := s.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL holds the token or the secret
		}
		return nil, fmt.Errorf("wecom app %s: %w", op, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxErrBody))
	e := &bot.APIError{Op: "wecom app " + op, Status: resp.StatusCode}
	if err != nil {
		e.Msg = "read body: " + err.Error()
		return nil, e
	}
	if err := s.statusError(e); err != nil {
		return nil, err
	}
	var ans apiAnswer
	if err := json.Unmarshal(data, &ans); err != nil || ans.ErrCode == nil {
		e.Msg = "answer without errcode"
		return nil, e
	}
	ans.ErrMsg = scrub(ans.ErrMsg, secret)
	return &ans, nil
}

// statusError classifies a non-2xx HTTP status (WeCom answers 200 even for
// errors, so these come from proxies and outages); nil for 2xx.
func (s *AppSender) statusError(e *bot.APIError) error {
	switch {
	case e.Status == http.StatusTooManyRequests:
		e.Msg = "too many requests"
		return &bot.RetryAfterError{After: s.wait, Err: e}
	case e.Status >= 500 || e.Status == http.StatusRequestTimeout:
		e.Msg = "server error"
		return e
	case e.Status >= 300:
		e.Msg, e.Permanent = "unexpected http status", true
		return e
	}
	return nil
}

// classify maps WeCom's errcode (global error codes, 90313) to the
// bot.Sender contract; nil for errcode 0.
func (s *AppSender) classify(op string, status int, ans *apiAnswer, secret string) error {
	code := *ans.ErrCode
	if code == 0 {
		return nil
	}
	e := &bot.APIError{Op: "wecom app " + op, Status: status, Code: code, Msg: scrub(ans.ErrMsg, secret)}
	switch code {
	case 45009, 45033: // api freq out of limit; max concurrent call limit
		return &bot.RetryAfterError{After: s.wait, Err: e}
	case 81013, 60011, // all recipients invalid; no privilege
		40003, 40008, 40056, 40058, 44004, 42045: // bad userid, msgtype, agentid, param, empty, card
		e.Permanent = true
	case 40001, 40013, 40091: // on gettoken: wrong secret or corpid
		e.Permanent = op == "gettoken"
	}
	return e
}

// isTokenRejected reports WeCom's invalid/expired access-token codes.
func isTokenRejected(code int) bool {
	return code == 40001 || code == 40014 || code == 42001
}
