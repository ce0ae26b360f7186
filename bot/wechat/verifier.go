// Package wechat adapts the WeChat Official Account (公众号) to the neutral
// bot core: URL and message signature checks, AES safe-mode decryption,
// decoding into bot.Update, passive replies, and the customer-service
// Sender. It imports no HTTP framework; handlers/ calls it.
package wechat

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"time"

	"github.com/silenceper/wechat/v2/util"

	"tapline/bot"
)

// Sentinel errors returned by Verifier; compare with errors.Is.
var (
	// ErrMissingSignature means the signature (or msg_signature in AES mode) is absent.
	ErrMissingSignature = errors.New("wechat: missing signature")
	// ErrBadSignature means a signature does not match.
	ErrBadSignature = errors.New("wechat: bad signature")
	// ErrExpiredTimestamp means the timestamp is unparsable or outside ±Window.
	ErrExpiredTimestamp = errors.New("wechat: timestamp outside window")
	// ErrBadEncryption means the ciphertext cannot be decrypted, its padding is
	// wrong, its AppID tail does not match, or no EncodingAESKey is configured.
	ErrBadEncryption = errors.New("wechat: bad encryption")
	// ErrMalformed means the body is not a well-formed WeChat XML/JSON message.
	ErrMalformed = errors.New("wechat: malformed message")
	// ErrEncryptionRequired means a plaintext request reached a server in
	// safe mode (encrypt_type=aes and msg_signature are required).
	ErrEncryptionRequired = errors.New("wechat: encryption required")
	// ErrReplayed means the request's timestamp, nonce and signature were
	// already used for another message.
	ErrReplayed = errors.New("wechat: signature reused for another message")
	// ErrReplayUnchecked means the replay memory could not be reached: the
	// request is authentic but may be a replay, so it must not be acted on.
	ErrReplayUnchecked = errors.New("wechat: replay memory unavailable")
)

// DefaultWindow is the accepted clock skew of a request timestamp.
const DefaultWindow = 5 * time.Minute

// MaxBodySize is the largest body Open accepts; the handler limits bodies to
// the same size.
const MaxBodySize = 1 << 20

// Config holds the Official Account's server settings (开发者中心 → 服务器配置).
type Config struct {
	AppID          string        // 公众号 AppID; checked against the decrypted tail
	Token          string        // 令牌 used in every signature
	EncodingAESKey string        // 43 characters; empty = plaintext mode only
	Mode           string        // ServerPlain, ServerCompatible or ServerSafe; "" = safe with a key, else plain
	Window         time.Duration // accepted timestamp skew; 0 = DefaultWindow
}

// Verifier checks, decrypts and decodes inbound requests and encodes
// passive replies. It is safe for concurrent use.
type Verifier struct {
	cfg     Config
	mode    string // the resolved server mode
	clock   bot.Clock
	rand    io.Reader // source of the 16 random bytes in encrypted replies
	replays bot.Replays
}

// VerifierOption configures a Verifier.
type VerifierOption func(*Verifier)

// WithReplays sets the replay memory shared by the replicas (default: one
// in this process, bot.LocalReplays).
func WithReplays(r bot.Replays) VerifierOption {
	return func(v *Verifier) { v.replays = r }
}

// NewVerifier returns a Verifier for cfg. It fails when Token is empty,
// when EncodingAESKey is set but is not 43 characters of valid base64 or
// AppID is missing, and when Mode contradicts the key (ServerMode). A nil
// clock means the system clock.
func NewVerifier(cfg Config, clock bot.Clock, opts ...VerifierOption) (*Verifier, error) {
	if cfg.Token == "" {
		return nil, errors.New("wechat: new verifier: token is required")
	}
	if cfg.EncodingAESKey != "" {
		if err := checkAESKey(cfg.EncodingAESKey); err != nil {
			return nil, fmt.Errorf("wechat: new verifier: %w", err)
		}
		if cfg.AppID == "" {
			return nil, errors.New("wechat: new verifier: AppID is required with EncodingAESKey")
		}
	}
	mode, err := ServerMode(cfg.Mode, cfg.EncodingAESKey)
	if err != nil {
		return nil, fmt.Errorf("wechat: new verifier: %w", err)
	}
	if cfg.Window <= 0 {
		cfg.Window = DefaultWindow
	}
	if clock == nil {
		clock = bot.SystemClock{}
	}
	v := &Verifier{cfg: cfg, mode: mode, clock: clock, rand: rand.Reader}
	for _, o := range opts {
		o(v)
	}
	if v.replays == nil {
		v.replays = bot.NewLocalReplays(clock, 0)
	}
	return v, nil
}

// Mode returns the server mode the verifier enforces.
func (v *Verifier) Mode() string { return v.mode }

// checkAESKey validates the 43-character EncodingAESKey (base64 of 32 bytes
// without its trailing "=").
func checkAESKey(key string) error {
	if len(key) != 43 {
		return fmt.Errorf("EncodingAESKey must be 43 characters, got %d", len(key))
	}
	raw, err := base64.StdEncoding.DecodeString(key + "=")
	if err != nil || len(raw) != 32 {
		return errors.New("EncodingAESKey is not valid base64 of 32 bytes")
	}
	return nil
}

// VerifyURL checks the GET request WeChat sends when the server URL is
// configured: signature = sha1(sort(token, timestamp, nonce)) and the
// timestamp window. It returns the echostr to write back verbatim.
func (v *Verifier) VerifyURL(query url.Values) (string, error) {
	if err := v.checkRequest(query); err != nil {
		return "", err
	}
	echo := query.Get("echostr")
	if echo == "" {
		return "", fmt.Errorf("verify url: no echostr: %w", ErrMalformed)
	}
	return echo, nil
}

// checkRequest verifies the plain signature, which WeChat sends in every
// mode, and then the timestamp window.
func (v *Verifier) checkRequest(query url.Values) error {
	ts, nonce := query.Get("timestamp"), query.Get("nonce")
	if err := v.checkSignature(query.Get("signature"), ts, nonce); err != nil {
		return fmt.Errorf("signature: %w", err)
	}
	return v.checkTimestamp(ts)
}

// checkSignature compares got with sha1(sort(token, parts...)) in constant time.
func (v *Verifier) checkSignature(got string, parts ...string) error {
	if got == "" {
		return ErrMissingSignature
	}
	want := util.Signature(append([]string{v.cfg.Token}, parts...)...)
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return ErrBadSignature
	}
	return nil
}

// checkTimestamp accepts a Unix-seconds timestamp within ±Window of now.
func (v *Verifier) checkTimestamp(ts string) error {
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("timestamp %q: %w", ts, ErrExpiredTimestamp)
	}
	now := v.clock.Now().Unix()
	window := int64(v.cfg.Window / time.Second)
	if sec < now-window || sec > now+window {
		return fmt.Errorf("timestamp %d, now %d: %w", sec, now, ErrExpiredTimestamp)
	}
	return nil
}
