package wechat

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/silenceper/wechat/v2/util"

	"tapline/bot"
)

// Encryption modes of an inbound message (开发者中心 → 消息加解密方式).
const (
	ModePlain  = "plain"  // 明文模式
	ModeCompat = "compat" // 兼容模式: plaintext fields and Encrypt; the encrypted part is used
	ModeAES    = "aes"    // 安全模式: Encrypt only
)

// Inbound is one verified, decrypted inbound message.
type Inbound struct {
	Mode   string     // ModePlain, ModeCompat or ModeAES; replies are encrypted unless ModePlain
	Raw    []byte     // the plaintext XML (or JSON) message
	Update bot.Update // the decoded message; Update.SenderID is the sender's OpenID
	ToUser string     // ToUserName: the Official Account's original ID (gh_…)
}

// Open verifies a POSTed message and returns it decrypted and decoded.
// WeChat's plain signature is checked in every mode; with
// encrypt_type=aes, msg_signature = sha1(sort(token, timestamp, nonce,
// Encrypt)) is checked too and the Encrypt field is decrypted. The server
// mode decides which requests are taken: safe mode refuses plaintext
// (ErrEncryptionRequired), plain mode encrypted ones. The body is XML, or
// JSON when contentType is application/json.
//
// The plain signature does not cover the body, so each (timestamp, nonce,
// signature) is remembered with the digest of its body for as long as the
// timestamp is in the window; the same triple with another body is
// ErrReplayed. When the replay memory cannot be reached, Open returns the
// decoded message together with an error wrapping ErrReplayUnchecked: the
// caller may record it and answer that it is busy, and must not act on it.
func (v *Verifier) Open(ctx context.Context, query url.Values, contentType string, body []byte) (*Inbound, error) {
	if err := v.checkRequest(query); err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	if len(body) > MaxBodySize {
		return nil, fmt.Errorf("open: body of %d bytes: %w", len(body), ErrMalformed)
	}
	outer, err := decodeWire(body, looksJSON(contentType, body))
	if err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	in, err := v.openMode(query, outer, body)
	if err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	if err := v.remember(ctx, query, body); err != nil {
		if errors.Is(err, ErrReplayUnchecked) {
			return in, fmt.Errorf("open: %w", err)
		}
		return nil, fmt.Errorf("open: %w", err)
	}
	return in, nil
}

// openMode opens the request as its encrypt_type says, if the server mode
// takes that kind of request.
func (v *Verifier) openMode(query url.Values, outer *wireMsg, body []byte) (*Inbound, error) {
	switch et := query.Get("encrypt_type"); et {
	case "", "raw":
		if !accepts(v.mode, ModePlain) {
			return nil, fmt.Errorf("plaintext request in %s mode: %w", v.mode, ErrEncryptionRequired)
		}
		return newInbound(ModePlain, body, outer)
	case "aes":
		return v.openEncrypted(query, outer)
	default:
		return nil, fmt.Errorf("encrypt_type %q: %w", et, ErrMalformed)
	}
}

// openEncrypted checks msg_signature over the envelope's Encrypt field and
// decrypts it (safe and compatible modes).
func (v *Verifier) openEncrypted(query url.Values, outer *wireMsg) (*Inbound, error) {
	if outer.Encrypt == "" {
		return nil, fmt.Errorf("encrypt_type=aes without Encrypt: %w", ErrMalformed)
	}
	if v.cfg.EncodingAESKey == "" || !accepts(v.mode, ModeAES) {
		return nil, fmt.Errorf("no EncodingAESKey configured: %w", ErrBadEncryption)
	}
	ts, nonce := query.Get("timestamp"), query.Get("nonce")
	if err := v.checkSignature(query.Get("msg_signature"), ts, nonce, outer.Encrypt); err != nil {
		return nil, fmt.Errorf("msg_signature: %w", err)
	}
	// util.DecryptMsg checks the padding range, the length prefix and the
	// AppID tail, and recovers from its own panics.
	_, plain, err := util.DecryptMsg(v.cfg.AppID, outer.Encrypt, v.cfg.EncodingAESKey)
	if err != nil {
		return nil, fmt.Errorf("decrypt: %w", errors.Join(ErrBadEncryption, err))
	}
	inner, err := decodeWire(plain, looksJSON("", plain))
	if err != nil {
		return nil, fmt.Errorf("decrypted payload: %w", err)
	}
	mode := ModeAES
	if outer.MsgType != "" || outer.FromUserName != "" {
		mode = ModeCompat
	}
	return newInbound(mode, plain, inner)
}

// remember binds the request's (timestamp, nonce, signature) to its body
// until the timestamp leaves the window.
func (v *Verifier) remember(ctx context.Context, query url.Values, body []byte) error {
	ts, nonce, sig := query.Get("timestamp"), query.Get("nonce"), query.Get("signature")
	key := sha256.Sum256([]byte(ts + "\n" + nonce + "\n" + sig))
	digest := sha256.Sum256(body)
	sec, _ := strconv.ParseInt(ts, 10, 64) // checkRequest parsed it
	ttl := time.Unix(sec, 0).Add(v.cfg.Window).Sub(v.clock.Now()) + time.Second
	ok, err := v.replays.Bind(ctx, "wechat:"+hex.EncodeToString(key[:16]), hex.EncodeToString(digest[:16]), ttl)
	switch {
	case err != nil:
		return errors.Join(ErrReplayUnchecked, err)
	case !ok:
		return ErrReplayed
	}
	return nil
}

// newInbound requires the fields every message has and builds the Inbound.
func newInbound(mode string, raw []byte, m *wireMsg) (*Inbound, error) {
	if m.FromUserName == "" || m.MsgType == "" {
		return nil, fmt.Errorf("no FromUserName or MsgType: %w", ErrMalformed)
	}
	return &Inbound{Mode: mode, Raw: raw, Update: m.toUpdate(), ToUser: m.ToUserName}, nil
}
