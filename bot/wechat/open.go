package wechat

import (
	"errors"
	"fmt"
	"net/url"

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
// Encrypt)) is checked too and the Encrypt field is decrypted. The body is
// XML, or JSON when contentType is application/json.
func (v *Verifier) Open(query url.Values, contentType string, body []byte) (*Inbound, error) {
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
	switch query.Get("encrypt_type") {
	case "", "raw":
		return newInbound(ModePlain, body, outer)
	case "aes":
		return v.openEncrypted(query, outer)
	default:
		return nil, fmt.Errorf("open: encrypt_type %q: %w", query.Get("encrypt_type"), ErrMalformed)
	}
}

// openEncrypted checks msg_signature over the envelope's Encrypt field and
// decrypts it (safe and compatible modes).
func (v *Verifier) openEncrypted(query url.Values, outer *wireMsg) (*Inbound, error) {
	if outer.Encrypt == "" {
		return nil, fmt.Errorf("open: encrypt_type=aes without Encrypt: %w", ErrMalformed)
	}
	if v.cfg.EncodingAESKey == "" {
		return nil, fmt.Errorf("open: no EncodingAESKey configured: %w", ErrBadEncryption)
	}
	ts, nonce := query.Get("timestamp"), query.Get("nonce")
	if err := v.checkSignature(query.Get("msg_signature"), ts, nonce, outer.Encrypt); err != nil {
		return nil, fmt.Errorf("open: msg_signature: %w", err)
	}
	// util.DecryptMsg checks the padding range, the length prefix and the
	// AppID tail, and recovers from its own panics.
	_, plain, err := util.DecryptMsg(v.cfg.AppID, outer.Encrypt, v.cfg.EncodingAESKey)
	if err != nil {
		return nil, fmt.Errorf("open: decrypt: %w", errors.Join(ErrBadEncryption, err))
	}
	inner, err := decodeWire(plain, looksJSON("", plain))
	if err != nil {
		return nil, fmt.Errorf("open: decrypted payload: %w", err)
	}
	mode := ModeAES
	if outer.MsgType != "" || outer.FromUserName != "" {
		mode = ModeCompat
	}
	return newInbound(mode, plain, inner)
}

// newInbound requires the fields every message has and builds the Inbound.
func newInbound(mode string, raw []byte, m *wireMsg) (*Inbound, error) {
	if m.FromUserName == "" || m.MsgType == "" {
		return nil, fmt.Errorf("open: no FromUserName or MsgType: %w", ErrMalformed)
	}
	return &Inbound{Mode: mode, Raw: raw, Update: m.toUpdate(), ToUser: m.ToUserName}, nil
}
