package dingtalk

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"tapline/bot"
)

// Sentinel errors returned by Verifier.Open; compare with errors.Is.
var (
	// ErrMissingSignature means the "timestamp" or "sign" header is absent
	// (or, with encryption, the query's signature, timestamp or nonce).
	ErrMissingSignature = errors.New("dingtalk: missing signature")
	// ErrBadSignature means the sign header does not match, or no app secret
	// is configured (every request is then refused).
	ErrBadSignature = errors.New("dingtalk: bad signature")
	// ErrExpiredTimestamp means the timestamp is not a canonical decimal
	// millisecond count or lies outside ±Window of now.
	ErrExpiredTimestamp = errors.New("dingtalk: timestamp outside window")
	// ErrMalformed means the body is not a well-formed robot message (or,
	// with encryption, not an encrypted envelope).
	ErrMalformed = errors.New("dingtalk: malformed message")
	// ErrBadEncryption means an encrypted body cannot be decrypted, its
	// padding or length is wrong, or it is not for this app.
	ErrBadEncryption = errors.New("dingtalk: bad encryption")
	// ErrReplayed means the timestamp and sign headers were already used
	// for another message.
	ErrReplayed = errors.New("dingtalk: signature reused for another message")
	// ErrReplayUnchecked means the replay memory could not be reached: the
	// request is authentic but may be a replay, so it must not be acted on.
	ErrReplayUnchecked = errors.New("dingtalk: replay memory unavailable")
)

// DefaultWindow is the accepted distance between the request timestamp and
// now: DingTalk documents one hour for robot signatures (PLATFORMS.md §3.2).
const DefaultWindow = time.Hour

// MaxBodySize is the largest body Open accepts; the handler limits bodies to
// the same size.
const MaxBodySize = 1 << 20

// Inbound is one verified and decoded robot callback.
type Inbound struct {
	Raw            []byte     // the message as received (decrypted when it came encrypted)
	Update         bot.Update // the neutral update
	SessionWebhook string     // URL to reply into this conversation
	SessionExpires time.Time  // when SessionWebhook stops working; zero if unknown
	Encrypted      bool       // the body came encrypted: answer with Ack
}

// Verifier checks the signature of the enterprise internal app robot's HTTP
// callback and decodes its body. It is safe for concurrent use.
type Verifier struct {
	secret  string
	window  time.Duration
	clock   bot.Clock
	replays bot.Replays
	crypto  *Crypto
	// cardToken guards the HTTP card callback route (OpenCardClick).
	cardToken string
}

// VerifierOption configures a Verifier.
type VerifierOption func(*Verifier)

// WithReplays sets the replay memory shared by the replicas (default: one
// in this process, bot.LocalReplays).
func WithReplays(r bot.Replays) VerifierOption { return func(v *Verifier) { v.replays = r } }

// WithEncryption requires every body to come encrypted with c (the app's
// aes_key); plaintext bodies are then refused.
func WithEncryption(c *Crypto) VerifierOption { return func(v *Verifier) { v.crypto = c } }

// NewVerifier returns a Verifier for the app's AppSecret. A window ≤ 0
// means DefaultWindow, a nil clock the system clock. With an empty
// appSecret every request is refused with ErrBadSignature.
func NewVerifier(appSecret string, window time.Duration, clock bot.Clock, opts ...VerifierOption) *Verifier {
	if window <= 0 {
		window = DefaultWindow
	}
	if clock == nil {
		clock = bot.SystemClock{}
	}
	v := &Verifier{secret: appSecret, window: window, clock: clock}
	for _, o := range opts {
		o(v)
	}
	if v.replays == nil {
		v.replays = bot.NewLocalReplays(clock, 0)
	}
	return v
}

// Window returns the accepted timestamp skew; dedupe must last longer.
func (v *Verifier) Window() time.Duration { return v.window }

// Open verifies the headers "timestamp" (Unix milliseconds) and "sign" =
// base64(HmacSHA256(appSecret, timestamp+"\n"+appSecret)), then the
// timestamp window; with encryption it checks the query's signature over
// the envelope and decrypts it; then it decodes the message. Errors wrap
// the sentinels above.
//
// The sign covers the timestamp only, so each (timestamp, sign) is bound
// to the one message it first came with — its msgId, sender and text: the
// whole body — for as long as the timestamp is in the window; the same
// headers with another body are ErrReplayed. When the replay memory cannot
// be reached, Open returns the decoded message together with an error
// wrapping ErrReplayUnchecked: record it, do not act on it.
func (v *Verifier) Open(ctx context.Context, h http.Header, query url.Values, body []byte) (*Inbound, error) {
	ts, sign := h.Get("timestamp"), h.Get("sign")
	ms, err := v.check(ts, sign)
	if err != nil {
		return nil, fmt.Errorf("dingtalk open: %w", err)
	}
	if len(body) > MaxBodySize {
		return nil, fmt.Errorf("dingtalk open: body of %d bytes: %w", len(body), ErrMalformed)
	}
	plain := body
	if v.crypto != nil {
		if plain, err = v.openEncrypted(query, body); err != nil {
			return nil, fmt.Errorf("dingtalk open: %w", err)
		}
	}
	in, err := decode(plain, v.clock)
	if err != nil {
		return nil, fmt.Errorf("dingtalk open: %w", err)
	}
	in.Encrypted = v.crypto != nil
	if err := v.remember(ctx, ts, sign, ms, body); err != nil {
		if errors.Is(err, ErrReplayUnchecked) {
			return in, fmt.Errorf("dingtalk open: %w", err)
		}
		return nil, fmt.Errorf("dingtalk open: %w", err)
	}
	return in, nil
}

// check verifies the signature headers in constant time and the window,
// and returns the timestamp.
func (v *Verifier) check(ts, sign string) (int64, error) {
	if ts == "" || sign == "" {
		return 0, ErrMissingSignature
	}
	if v.secret == "" {
		return 0, fmt.Errorf("no app secret configured: %w", ErrBadSignature)
	}
	ms, err := v.parseTimestamp(ts)
	if err != nil {
		return 0, err
	}
	if !hmac.Equal([]byte(sign), []byte(Sign(ms, v.secret))) {
		return 0, ErrBadSignature
	}
	return ms, v.inWindow(ms)
}

// parseTimestamp accepts only a canonical decimal millisecond count.
func (v *Verifier) parseTimestamp(ts string) (int64, error) {
	ms, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || strconv.FormatInt(ms, 10) != ts {
		return 0, fmt.Errorf("timestamp %.20q: %w", ts, ErrExpiredTimestamp)
	}
	return ms, nil
}

// inWindow accepts a millisecond timestamp within ±window of now.
func (v *Verifier) inWindow(ms int64) error {
	now := v.clock.Now().UnixMilli()
	win := v.window.Milliseconds()
	if ms < now-win || ms > now+win {
		return fmt.Errorf("timestamp %d, now %d: %w", ms, now, ErrExpiredTimestamp)
	}
	return nil
}

// openEncrypted checks the encrypted envelope's query (signature or
// msg_signature, timestamp or timeStamp, nonce), its window, and decrypts.
func (v *Verifier) openEncrypted(q url.Values, body []byte) ([]byte, error) {
	sig, ts := firstOf(q, "msg_signature", "signature"), firstOf(q, "timestamp", "timeStamp")
	if ts != "" {
		ms, err := v.parseTimestamp(ts)
		if err != nil {
			return nil, fmt.Errorf("encrypted callback: %w", err)
		}
		if err := v.inWindow(ms); err != nil {
			return nil, fmt.Errorf("encrypted callback: %w", err)
		}
	}
	return v.crypto.open(sig, ts, q.Get("nonce"), body)
}

// firstOf returns the first non-empty value among the query's names.
func firstOf(q url.Values, names ...string) string {
	for _, n := range names {
		if s := q.Get(n); s != "" {
			return s
		}
	}
	return ""
}

// remember binds (timestamp, sign) to the body until the timestamp leaves
// the window.
func (v *Verifier) remember(ctx context.Context, ts, sign string, ms int64, body []byte) error {
	key := sha256.Sum256([]byte(ts + "\n" + sign))
	digest := sha256.Sum256(body)
	ttl := time.UnixMilli(ms).Add(v.window).Sub(v.clock.Now()) + time.Second
	ok, err := v.replays.Bind(ctx, "dingtalk:"+hex.EncodeToString(key[:16]), hex.EncodeToString(digest[:16]), ttl)
	switch {
	case err != nil:
		return errors.Join(ErrReplayUnchecked, err)
	case !ok:
		return ErrReplayed
	}
	return nil
}

// Ack is the body that answers in: {} for a plaintext callback, the
// encrypted "success" for an encrypted one (the reply itself goes through
// the session webhook).
func (v *Verifier) Ack(in *Inbound) ([]byte, error) {
	if in == nil || !in.Encrypted || v.crypto == nil {
		return []byte("{}"), nil
	}
	return v.crypto.Seal([]byte("success"), v.clock.Now().UnixMilli())
}
