package dingtalk

import (
	"crypto/hmac"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"tapline/bot"
)

// Sentinel errors returned by Verifier.Open; compare with errors.Is.
var (
	// ErrMissingSignature means the "timestamp" or "sign" header is absent.
	ErrMissingSignature = errors.New("dingtalk: missing signature")
	// ErrBadSignature means the sign header does not match, or no app secret
	// is configured (every request is then refused).
	ErrBadSignature = errors.New("dingtalk: bad signature")
	// ErrExpiredTimestamp means the timestamp is not a canonical decimal
	// millisecond count or lies outside ±Window of now.
	ErrExpiredTimestamp = errors.New("dingtalk: timestamp outside window")
	// ErrMalformed means the body is not a well-formed robot message.
	ErrMalformed = errors.New("dingtalk: malformed message")
)

// DefaultWindow is the accepted distance between the request timestamp and
// now: DingTalk documents one hour for robot signatures (PLATFORMS.md §3.2).
const DefaultWindow = time.Hour

// MaxBodySize is the largest body Open accepts; the handler limits bodies to
// the same size.
const MaxBodySize = 1 << 20

// Inbound is one verified and decoded robot callback.
type Inbound struct {
	Raw            []byte     // the body as received
	Update         bot.Update // the neutral update
	SessionWebhook string     // URL to reply into this conversation
	SessionExpires time.Time  // when SessionWebhook stops working; zero if unknown
}

// Verifier checks the signature of the enterprise internal app robot's HTTP
// callback and decodes its body. It is safe for concurrent use.
type Verifier struct {
	secret string
	window time.Duration
	clock  bot.Clock
}

// NewVerifier returns a Verifier for the app's AppSecret. A window ≤ 0
// means DefaultWindow, a nil clock the system clock. With an empty
// appSecret every request is refused with ErrBadSignature.
func NewVerifier(appSecret string, window time.Duration, clock bot.Clock) *Verifier {
	if window <= 0 {
		window = DefaultWindow
	}
	if clock == nil {
		clock = bot.SystemClock{}
	}
	return &Verifier{secret: appSecret, window: window, clock: clock}
}

// Open verifies the headers "timestamp" (Unix milliseconds) and "sign" =
// base64(HmacSHA256(appSecret, timestamp+"\n"+appSecret)), then the
// timestamp window, then decodes body. Errors wrap ErrMissingSignature,
// ErrBadSignature, ErrExpiredTimestamp or ErrMalformed.
func (v *Verifier) Open(h http.Header, body []byte) (*Inbound, error) {
	if err := v.check(h.Get("timestamp"), h.Get("sign")); err != nil {
		return nil, fmt.Errorf("dingtalk open: %w", err)
	}
	in, err := decode(body, v.clock)
	if err != nil {
		return nil, fmt.Errorf("dingtalk open: %w", err)
	}
	return in, nil
}

// check verifies the signature headers in constant time and the window.
func (v *Verifier) check(ts, sign string) error {
	if ts == "" || sign == "" {
		return ErrMissingSignature
	}
	if v.secret == "" {
		return fmt.Errorf("no app secret configured: %w", ErrBadSignature)
	}
	ms, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || strconv.FormatInt(ms, 10) != ts {
		return fmt.Errorf("timestamp %.20q: %w", ts, ErrExpiredTimestamp)
	}
	if !hmac.Equal([]byte(sign), []byte(Sign(ms, v.secret))) {
		return ErrBadSignature
	}
	now := v.clock.Now().UnixMilli()
	win := v.window.Milliseconds()
	if ms < now-win || ms > now+win {
		return fmt.Errorf("timestamp %d, now %d: %w", ms, now, ErrExpiredTimestamp)
	}
	return nil
}
