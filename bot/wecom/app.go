package wecom

// This file is the self-built app callback (自建应用 接收消息与事件,
// documents 90238/90239/90240; PLATFORMS.md §2.2): URL verification and
// encrypted XML messages and events, including template_card_event clicks.

import (
	"encoding/xml"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"tapline/bot"
)

// EventCardClick is the neutral Update.Event of a template card button click.
const EventCardClick = "card_click"

// AppConfig holds the app's callback settings (应用管理 → 接收消息 → 设置API接收).
type AppConfig struct {
	CorpID         string        // 企业ID; must equal the decrypted receive id
	Token          string        // Token used in every msg_signature
	EncodingAESKey string        // 43 characters
	Window         time.Duration // accepted timestamp skew; 0 = DefaultWindow
}

// AppVerifier checks, decrypts and decodes the app's callbacks and encrypts
// passive replies. It is safe for concurrent use.
type AppVerifier struct {
	guard
	corpID string
}

// AppInbound is one verified, decrypted app callback.
type AppInbound struct {
	Raw      []byte     // the decrypted XML
	Update   bot.Update // the decoded message or event
	CorpID   string     // ToUserName of the message
	AgentID  string     // AgentID of the message
	CardType string     // template_card_event: the card type (button_interaction, …)
}

// NewAppVerifier returns a verifier for cfg. It fails when CorpID or Token
// is empty or EncodingAESKey is not 43 characters of base64. A nil clock
// means the system clock.
func NewAppVerifier(cfg AppConfig, clock bot.Clock) (*AppVerifier, error) {
	if cfg.CorpID == "" {
		return nil, errors.New("wecom: new app verifier: CorpID is required")
	}
	g, err := newGuard(cfg.Token, cfg.EncodingAESKey, cfg.Window, clock)
	if err != nil {
		return nil, fmt.Errorf("wecom: new app verifier: %w", err)
	}
	return &AppVerifier{guard: g, corpID: cfg.CorpID}, nil
}

// VerifyURL answers the GET WeCom sends when the callback URL is saved:
// msg_signature = sha1(sort(token, timestamp, nonce, echostr)), the
// timestamp window, and echostr decrypted for the CorpID. It returns the
// plaintext to write back verbatim (no quotes, BOM or newline) within 1 s.
// q must already be URL-decoded (url.URL.Query does that).
func (v *AppVerifier) VerifyURL(q url.Values) (string, error) {
	echo := q.Get("echostr")
	if echo == "" {
		return "", fmt.Errorf("wecom app: verify url: no echostr: %w", ErrMalformed)
	}
	plain, err := v.open(q.Get("msg_signature"), q.Get("timestamp"), q.Get("nonce"), echo, v.corpID)
	if err != nil {
		return "", fmt.Errorf("wecom app: verify url: %w", err)
	}
	return string(plain), nil
}

// appEnvelope is the POSTed body: <xml><ToUserName/><AgentID/><Encrypt/></xml>.
type appEnvelope struct {
	ToUserName string `xml:"ToUserName"`
	AgentID    string `xml:"AgentID"`
	Encrypt    string `xml:"Encrypt"`
}

// Open verifies a POSTed callback and returns it decrypted and decoded.
// Errors wrap the package's sentinel errors.
func (v *AppVerifier) Open(q url.Values, body []byte) (*AppInbound, error) {
	if len(body) > MaxBodySize {
		return nil, fmt.Errorf("wecom app: open: body of %d bytes: %w", len(body), ErrMalformed)
	}
	var env appEnvelope
	if err := xml.Unmarshal(body, &env); err != nil || env.Encrypt == "" {
		return nil, fmt.Errorf("wecom app: open: envelope without Encrypt: %w", ErrMalformed)
	}
	plain, err := v.open(q.Get("msg_signature"), q.Get("timestamp"), q.Get("nonce"), env.Encrypt, v.corpID)
	if err != nil {
		return nil, fmt.Errorf("wecom app: open: %w", err)
	}
	var m appMsg
	if err := xml.Unmarshal(plain, &m); err != nil {
		return nil, fmt.Errorf("wecom app: open: decrypted message: %w", ErrMalformed)
	}
	if m.FromUserName == "" || m.MsgType == "" {
		return nil, fmt.Errorf("wecom app: open: no FromUserName or MsgType: %w", ErrMalformed)
	}
	return &AppInbound{
		Raw: plain, Update: m.toUpdate(), CorpID: m.ToUserName,
		AgentID: strings.TrimSpace(m.AgentID), CardType: m.CardType,
	}, nil
}

// appMsg is a decrypted app message or event (fields of 90239/90240 and the
// template_card_event of 90240 "模板卡片事件推送").
type appMsg struct {
	ToUserName   string `xml:"ToUserName"`
	FromUserName string `xml:"FromUserName"`
	CreateTime   string `xml:"CreateTime"`
	MsgType      string `xml:"MsgType"`
	MsgID        string `xml:"MsgId"`
	AgentID      string `xml:"AgentID"`
	Content      string `xml:"Content"`
	PicURL       string `xml:"PicUrl"`
	MediaID      string `xml:"MediaId"`
	LocationX    string `xml:"Location_X"`
	LocationY    string `xml:"Location_Y"`
	Label        string `xml:"Label"`
	Event        string `xml:"Event"`
	EventKey     string `xml:"EventKey"`
	TaskID       string `xml:"TaskId"`
	CardType     string `xml:"CardType"`
	ResponseCode string `xml:"ResponseCode"`
	Latitude     string `xml:"Latitude"`
	Longitude    string `xml:"Longitude"`
}

// toUpdate converts the message to the neutral form. Events carry no MsgID:
// Update.DedupeKey then uses sender, CreateTime, event and key.
func (m *appMsg) toUpdate() bot.Update {
	u := bot.Update{
		Platform: bot.PlatformWeCom,
		SenderID: m.FromUserName,
		MsgID:    strings.TrimSpace(m.MsgID),
		ChatType: "single",
		At:       unixTime(m.CreateTime),
	}
	switch m.MsgType {
	case "text":
		u.Kind, u.Text = bot.KindText, m.Content
	case "image":
		u.Kind, u.PicURL, u.MediaID = bot.KindImage, m.PicURL, m.MediaID
	case "voice":
		u.Kind, u.MediaID = bot.KindVoice, m.MediaID
	case "location":
		u.Kind, u.Label = bot.KindLocation, m.Label
		u.Lat, u.Lng = parseFloat(m.LocationX), parseFloat(m.LocationY)
	case "event":
		m.fillEvent(&u)
	default:
		u.Kind = bot.KindOther
	}
	return u
}

// fillEvent fills the event fields; a template card click becomes
// EventCardClick with the button key, task id and response code.
func (m *appMsg) fillEvent(u *bot.Update) {
	u.Kind, u.MsgID = bot.KindEvent, ""
	u.Event, u.EventKey = m.Event, m.EventKey
	switch m.Event {
	case "template_card_event":
		u.Event = EventCardClick
		u.TaskID, u.ResponseCode = m.TaskID, m.ResponseCode
	case "LOCATION":
		u.Lat, u.Lng = parseFloat(m.Latitude), parseFloat(m.Longitude)
	}
}

// unixTime parses Unix seconds; zero time when absent or invalid.
func unixTime(s string) time.Time {
	sec, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || sec <= 0 {
		return time.Time{}
	}
	return time.Unix(sec, 0).UTC()
}

// parseFloat parses a coordinate; 0 when invalid.
func parseFloat(s string) float64 {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return 0
	}
	return f
}
