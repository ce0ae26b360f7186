package wechat

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/credential"
	"github.com/silenceper/wechat/v2/officialaccount"
	offconfig "github.com/silenceper/wechat/v2/officialaccount/config"
	"github.com/silenceper/wechat/v2/officialaccount/message"

	"tapline/bot"
)

// SenderConfig holds the Official Account's API credentials.
type SenderConfig struct {
	AppID     string
	AppSecret string
}

// CSSender sends customer-service text messages (客服消息) to a resident's
// OpenID through silenceper, using the stable access token kept in a shared
// cache. silenceper's calls take no context: the timeout of the client set
// with InstallHTTPClient bounds each call.
type CSSender struct {
	mgr      *message.Manager
	tmpl     *message.Template
	tmplID   string // template message used outside the 48-hour window
	tmplKey  string // the template's data field that carries the text
	cache    cache.Cache
	tokenKey string
	log      *slog.Logger
}

var _ bot.Sender = (*CSSender)(nil)

// SenderOption configures a CSSender.
type SenderOption func(*CSSender)

// WithTemplate makes messages that WeChat refuses because the resident has
// been silent for 48 hours (45015) go out as the template message
// templateID instead, with the text in its data field key (e.g. "first",
// "thing1": whatever the chosen template names it).
func WithTemplate(templateID, key string) SenderOption {
	return func(s *CSSender) { s.tmplID, s.tmplKey = templateID, key }
}

// WithLogger sets the logger (default: discard).
func WithLogger(l *slog.Logger) SenderOption {
	return func(s *CSSender) { s.log = l.With("component", "wechat.cs") }
}

// NewCSSender returns a sender for the account in cfg. The cache (normally
// NewRedisCache) holds the access token for all replicas; the stable token
// API (UseStableAK) lets replicas refresh without invalidating each other.
func NewCSSender(cfg SenderConfig, c cache.Cache, opts ...SenderOption) (*CSSender, error) {
	if cfg.AppID == "" || cfg.AppSecret == "" {
		return nil, errors.New("wechat: new cs sender: AppID and AppSecret are required")
	}
	if c == nil {
		return nil, errors.New("wechat: new cs sender: cache is required")
	}
	oa := officialaccount.NewOfficialAccount(&offconfig.Config{
		AppID: cfg.AppID, AppSecret: cfg.AppSecret, Cache: c, UseStableAK: true,
	})
	s := &CSSender{
		mgr:   oa.GetCustomerMessageManager(), // built once: the SDK's lazy getter is not goroutine-safe
		tmpl:  oa.GetTemplate(),
		cache: c,
		// The key silenceper's StableAccessToken stores the token under.
		tokenKey: fmt.Sprintf("%s_stable_access_token_%s", credential.CacheKeyOfficialAccountPrefix, cfg.AppID),
		log:      slog.New(slog.DiscardHandler),
	}
	for _, o := range opts {
		o(s)
	}
	return s, nil
}

// Send delivers msg.Text, or msg.Card rendered as text, to the OpenID
// target. A rejected access token is dropped from the cache and the send
// retried once. Errors wrap bot.ErrPermanent when WeChat refuses for good
// (outside the 48-hour window, not following, bad OpenID) and are a
// *bot.RetryAfterError on rate or quota limits.
func (s *CSSender) Send(ctx context.Context, target string, msg bot.Message) error {
	text := msg.Text
	if msg.Card != nil {
		text = RenderCard(*msg.Card)
	}
	if target == "" || strings.TrimSpace(text) == "" {
		return fmt.Errorf("wechat send: empty target or text: %w", bot.ErrPermanent)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("wechat send: %w", err)
	}
	err := s.mgr.Send(message.NewCustomerTextMessage(target, text))
	if err != nil && isTokenRejected(errcode(err)) && ctx.Err() == nil {
		s.log.Warn("access token rejected, refreshing", "errcode", errcode(err))
		if derr := s.cache.Delete(s.tokenKey); derr != nil {
			s.log.Error("drop cached access token", "err", derr)
		}
		err = s.mgr.Send(message.NewCustomerTextMessage(target, text))
	}
	if err != nil {
		err = classify(err)
	}
	if errors.Is(err, ErrOutsideWindow) && s.tmplID != "" {
		return s.sendTemplate(target, text)
	}
	return err
}

// sendTemplate sends text as the configured template message.
func (s *CSSender) sendTemplate(target, text string) error {
	_, err := s.tmpl.Send(&message.TemplateMessage{ToUser: target, TemplateID: s.tmplID,
		Data: map[string]*message.TemplateDataItem{s.tmplKey: {Value: text}}})
	if err != nil {
		return classify(err)
	}
	return nil
}

// isTokenRejected reports WeChat's invalid/expired access-token codes.
func isTokenRejected(code int) bool {
	return code == 40001 || code == 40014 || code == 42001
}

// ErrOutsideWindow means WeChat refused a customer-service message because
// the resident has not written for 48 hours (errcode 45015).
var ErrOutsideWindow = errors.New("wechat: outside the 48-hour customer-service window")

var (
	errcodeRE     = regexp.MustCompile(`errcode=(-?\d+)`)
	accessTokenRE = regexp.MustCompile(`access_token=[^&\s"']*`)
)

// errcode extracts WeChat's errcode from a silenceper error, whose only
// carrier is the message text ("… errcode=45015 , errmsg=…"); 0 if none.
func errcode(err error) int {
	m := errcodeRE.FindStringSubmatch(err.Error())
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// classify maps a silenceper error to the bot.Sender contract. The SDK's
// HTTP errors carry the URL with the access token, so the message is
// redacted and the original error is not kept.
func classify(err error) error {
	code := errcode(err)
	base := fmt.Errorf("wechat send: %s", accessTokenRE.ReplaceAllString(err.Error(), "access_token=REDACTED"))
	switch code {
	case 45015: // the resident has not written for 48 hours
		return fmt.Errorf("%w: %w: %w", base, ErrOutsideWindow, bot.ErrPermanent)
	case 43004, 40003: // not following / invalid OpenID
		return fmt.Errorf("%w: %w", base, bot.ErrPermanent)
	case 45009, 45047: // API quota / customer-service message quota
		return &bot.RetryAfterError{After: time.Minute, Err: base}
	}
	return base
}
