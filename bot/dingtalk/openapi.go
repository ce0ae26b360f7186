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
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"tapline/bot"
)

// DefaultOpenAPIBase is DingTalk's new-style open API host.
const DefaultOpenAPIBase = "https://api.dingtalk.com"

// AppConfig holds the enterprise internal app's credentials.
type AppConfig struct {
	AppKey    string // Client ID (AppKey)
	AppSecret string // Client Secret (AppSecret); never logged
	RobotCode string // the app robot's code; empty = AppKey, as for internal app robots
}

// OpenAPI calls api.dingtalk.com as the app: it gets the access token from
// POST /v1.0/oauth2/accessToken, keeps it in Redis so every replica shares
// it, and sends it in the x-acs-dingtalk-access-token header. It is safe
// for concurrent use.
type OpenAPI struct {
	cfg AppConfig
	rdb redis.UniversalClient
	key string
	opt options
}

// NewOpenAPI returns a client for cfg caching its token in rdb under
// keyPrefix+"dingtalk:token:"+AppKey.
func NewOpenAPI(cfg AppConfig, rdb redis.UniversalClient, keyPrefix string, opts ...Option) (*OpenAPI, error) {
	if cfg.AppKey == "" || cfg.AppSecret == "" {
		return nil, errors.New("dingtalk: new open api: AppKey and AppSecret are required")
	}
	if rdb == nil {
		return nil, errors.New("dingtalk: new open api: redis client is required")
	}
	if cfg.RobotCode == "" {
		cfg.RobotCode = cfg.AppKey
	}
	a := &OpenAPI{cfg: cfg, rdb: rdb, key: keyPrefix + "dingtalk:token:" + cfg.AppKey, opt: defaultOptions()}
	for _, o := range opts {
		o(&a.opt)
	}
	return a, nil
}

// post calls path with body and the access token and decodes a 2xx answer
// into out. When DingTalk rejects the token it is dropped from the cache
// and the call retried once with a fresh one.
func (a *OpenAPI) post(ctx context.Context, op, path string, body, out any) error {
	return a.do(ctx, op, http.MethodPost, path, body, out)
}

// do is post with any method (the card update is a PUT).
func (a *OpenAPI) do(ctx context.Context, op, method, path string, body, out any) error {
	for attempt := 0; ; attempt++ {
		tok, err := a.token(ctx)
		if err != nil {
			return err
		}
		status, data, err := a.callMethod(ctx, method, path, tok, body)
		if err != nil {
			return fmt.Errorf("dingtalk %s: %w", op, err)
		}
		e := classifyOpenAPI(op, status, data, a.opt.wait)
		if e != nil && e.auth && attempt == 0 {
			a.dropToken(ctx, tok)
			continue
		}
		if e != nil {
			return e.wrap()
		}
		if out != nil && json.Unmarshal(data, out) != nil {
			a.opt.log.WarnContext(ctx, "dingtalk: unexpected success answer", "op", op, "status", status)
		}
		return nil
	}
}

// call POSTs JSON to the open API; token may be empty (token endpoint).
func (a *OpenAPI) call(ctx context.Context, path, token string, body any) (int, []byte, error) {
	return a.callMethod(ctx, http.MethodPost, path, token, body)
}

// callMethod sends JSON to the open API with method.
func (a *OpenAPI) callMethod(ctx context.Context, method, path, token string, body any) (int, []byte, error) {
	buf, err := json.Marshal(body)
	if err != nil {
		return 0, nil, fmt.Errorf("encode: %v: %w", err, bot.ErrPermanent)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.opt.apiBase+path, bytes.NewReader(buf))
	if err != nil {
		return 0, nil, fmt.Errorf("build request: %v: %w", err, bot.ErrPermanent)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("x-acs-dingtalk-access-token", token)
	}
	resp, err := a.opt.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return 0, nil, fmt.Errorf("%s %s: %w", strings.ToLower(method), path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return 0, nil, fmt.Errorf("read %s: %w", path, err)
	}
	return resp.StatusCode, data, nil
}

// apiFailure is a classified open-API error; auth marks a rejected token.
type apiFailure struct {
	err       *OpenAPIError
	auth      bool
	retryWait time.Duration // > 0: rate limited
}

func (f *apiFailure) wrap() error {
	if f.retryWait > 0 {
		return &bot.RetryAfterError{After: f.retryWait, Err: f.err}
	}
	return f.err
}

// classifyOpenAPI maps status and {code, message, requestid} to nil or a
// failure: InvalidAuthentication (DingTalk answers it with 400 or 401) or
// 401 is a rejected token; 429, *QpsLimit* or Throttling* is a rate limit;
// 5xx and 408 are retryable; any other 4xx is permanent.
func classifyOpenAPI(op string, status int, data []byte, wait time.Duration) *apiFailure {
	if status >= 200 && status < 300 {
		return nil
	}
	var ans struct {
		Code      string `json:"code"`
		Message   string `json:"message"`
		RequestID string `json:"requestid"`
	}
	_ = json.Unmarshal(data, &ans)
	e := &OpenAPIError{Op: op, Status: status, Code: ans.Code, Msg: truncateRunes(ans.Message, 200), RequestID: ans.RequestID}
	f := &apiFailure{err: e}
	switch {
	case ans.Code == "InvalidAuthentication" || status == http.StatusUnauthorized:
		f.auth = true
	case status == http.StatusTooManyRequests || strings.Contains(ans.Code, "QpsLimit") ||
		strings.HasPrefix(ans.Code, "Throttling"):
		f.retryWait = wait
	case status >= 500 || status == http.StatusRequestTimeout:
	default:
		e.Permanent = true
	}
	return f
}

// OpenAPIError is a failed api.dingtalk.com call. It unwraps to
// bot.ErrPermanent when retrying cannot help.
type OpenAPIError struct {
	Op        string // "group send", "access token", …
	Status    int    // HTTP status
	Code      string // DingTalk error code, e.g. "InvalidAuthentication"
	Msg       string // DingTalk message
	RequestID string
	Permanent bool
}

// Error implements error.
func (e *OpenAPIError) Error() string {
	return fmt.Sprintf("dingtalk %s: http %d code %q: %s (requestid %s)", e.Op, e.Status, e.Code, e.Msg, e.RequestID)
}

// Unwrap returns bot.ErrPermanent for permanent failures.
func (e *OpenAPIError) Unwrap() error {
	if e.Permanent {
		return bot.ErrPermanent
	}
	return nil
}

// HTTPStatus returns the HTTP status of the answer, for the attempt log.
func (e *OpenAPIError) HTTPStatus() int { return e.Status }
