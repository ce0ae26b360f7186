package wecom

// This file is the smart bot (智能机器人, API mode, short connection;
// documents 100719 接收消息, 101027 接收事件, 101033 加解密方案;
// PLATFORMS.md §2.4): encrypted JSON callbacks whose receive id is "" for
// internal bots.

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"tapline/bot"
)

// BotConfig holds the smart bot's API settings (API模式 → URL, Token,
// EncodingAESKey).
type BotConfig struct {
	Token          string
	EncodingAESKey string        // 43 characters
	ReceiveID      string        // decrypted receive id; "" for internal bots (101033)
	Window         time.Duration // accepted timestamp skew; 0 = DefaultWindow
}

// BotVerifier checks, decrypts and decodes smart-bot callbacks and
// encrypts passive replies. It is safe for concurrent use.
type BotVerifier struct {
	guard
	receiveID string
}

// BotInbound is one verified, decrypted smart-bot callback.
type BotInbound struct {
	Raw         []byte     // the decrypted JSON
	Update      bot.Update // the decoded message or event
	AIBotID     string     // aibotid
	ResponseURL string     // one-shot URL for a later reply (1 h), if given
	MsgType     string     // text, image, mixed, voice, file, stream, event
	EventType   string     // event.eventtype for events
}

// NewBotVerifier returns a verifier for cfg. It fails when Token is empty
// or EncodingAESKey is not 43 characters of base64. A nil clock means the
// system clock.
func NewBotVerifier(cfg BotConfig, clock bot.Clock) (*BotVerifier, error) {
	g, err := newGuard(cfg.Token, cfg.EncodingAESKey, cfg.Window, clock)
	if err != nil {
		return nil, fmt.Errorf("wecom bot: new verifier: %w", err)
	}
	return &BotVerifier{guard: g, receiveID: cfg.ReceiveID}, nil
}

// VerifyURL answers the GET sent when the bot's URL is saved: the
// msg_signature over echostr, the timestamp window and the decryption of
// echostr, whose plaintext it returns for writing back verbatim.
func (v *BotVerifier) VerifyURL(q url.Values) (string, error) {
	echo := q.Get("echostr")
	if echo == "" {
		return "", fmt.Errorf("wecom bot: verify url: no echostr: %w", ErrMalformed)
	}
	plain, err := v.open(q.Get("msg_signature"), q.Get("timestamp"), q.Get("nonce"), echo, v.receiveID)
	if err != nil {
		return "", fmt.Errorf("wecom bot: verify url: %w", err)
	}
	return string(plain), nil
}

// Open verifies a POSTed callback {"encrypt": "…"} and returns it
// decrypted and decoded. Errors wrap the package's sentinel errors.
func (v *BotVerifier) Open(q url.Values, body []byte) (*BotInbound, error) {
	if len(body) > MaxBodySize {
		return nil, fmt.Errorf("wecom bot: open: body of %d bytes: %w", len(body), ErrMalformed)
	}
	var env struct {
		Encrypt string `json:"encrypt"`
	}
	if err := json.Unmarshal(body, &env); err != nil || env.Encrypt == "" {
		return nil, fmt.Errorf("wecom bot: open: envelope without encrypt: %w", ErrMalformed)
	}
	plain, err := v.open(q.Get("msg_signature"), q.Get("timestamp"), q.Get("nonce"), env.Encrypt, v.receiveID)
	if err != nil {
		return nil, fmt.Errorf("wecom bot: open: %w", err)
	}
	var m botMsg
	if err := json.Unmarshal(plain, &m); err != nil {
		return nil, fmt.Errorf("wecom bot: open: decrypted message: %w", errors.Join(ErrMalformed, err))
	}
	if m.From.UserID == "" || m.MsgType == "" || m.MsgID == "" {
		return nil, fmt.Errorf("wecom bot: open: no from.userid, msgtype or msgid: %w", ErrMalformed)
	}
	in := &BotInbound{Raw: plain, AIBotID: m.AIBotID, ResponseURL: m.ResponseURL, MsgType: m.MsgType}
	if m.Event != nil {
		in.EventType = m.Event.EventType
	}
	in.Update = m.toUpdate(v.clock.Now())
	return in, nil
}

type botContent struct {
	Content string `json:"content"`
}

type botURL struct {
	URL string `json:"url"`
}

type botItem struct {
	MsgType string      `json:"msgtype"`
	Text    *botContent `json:"text"`
	Image   *botURL     `json:"image"`
}

// botMsg is a decrypted smart-bot message (100719) or event (101027).
type botMsg struct {
	MsgID       string `json:"msgid"`
	CreateTime  int64  `json:"create_time"`
	AIBotID     string `json:"aibotid"`
	ChatID      string `json:"chatid"`
	ChatType    string `json:"chattype"`
	ResponseURL string `json:"response_url"`
	MsgType     string `json:"msgtype"`
	From        struct {
		UserID string `json:"userid"`
	} `json:"from"`
	Text  *botContent `json:"text"`
	Voice *botContent `json:"voice"`
	Image *botURL     `json:"image"`
	Mixed *struct {
		Items []botItem `json:"msg_item"`
	} `json:"mixed"`
	Event *struct {
		EventType string `json:"eventtype"`
		Card      *struct {
			CardType string `json:"card_type"`
			EventKey string `json:"event_key"`
			TaskID   string `json:"task_id"`
		} `json:"template_card_event"`
	} `json:"event"`
}

// toUpdate converts the callback to the neutral form. In a group only
// @-mentions reach the bot, so Mentioned is true there and the leading
// "@name " is cut from the text. now stands in for an absent create_time.
func (m *botMsg) toUpdate(now time.Time) bot.Update {
	u := bot.Update{
		Platform: bot.PlatformWeComBot,
		SenderID: m.From.UserID,
		MsgID:    m.MsgID,
		ChatType: m.ChatType,
		At:       now.UTC(),
	}
	if m.CreateTime > 0 {
		u.At = time.Unix(m.CreateTime, 0).UTC()
	}
	if m.ChatType == "group" {
		u.ChatID, u.Mentioned = m.ChatID, true
	}
	switch m.MsgType {
	case "text":
		u.Kind = bot.KindText
		if m.Text != nil {
			u.Text = stripMention(m.Text.Content, u.Mentioned)
		}
	case "mixed":
		u.Kind, u.Text = bot.KindText, stripMention(m.mixedText(), u.Mentioned)
	case "voice":
		u.Kind = bot.KindVoice
		if m.Voice != nil {
			u.Text = m.Voice.Content // speech already transcribed by WeCom
		}
	case "image":
		u.Kind = bot.KindImage
		if m.Image != nil {
			u.PicURL = m.Image.URL // encrypted with the callback AES key, valid 5 min
		}
	case "event", "stream":
		m.fillEvent(&u)
	default:
		u.Kind = bot.KindOther
	}
	return u
}

// mixedText joins the text items of a mixed message.
func (m *botMsg) mixedText() string {
	if m.Mixed == nil {
		return ""
	}
	var parts []string
	for _, it := range m.Mixed.Items {
		if it.MsgType == "text" && it.Text != nil {
			parts = append(parts, it.Text.Content)
		}
	}
	return strings.Join(parts, "\n")
}

// fillEvent fills event fields: a card click becomes EventCardClick; a
// stream refresh becomes the event "stream" (answered with an empty body).
func (m *botMsg) fillEvent(u *bot.Update) {
	u.Kind = bot.KindEvent
	if m.MsgType == "stream" {
		u.Event = "stream"
		return
	}
	if m.Event == nil {
		return
	}
	u.Event = m.Event.EventType
	if m.Event.EventType == "template_card_event" {
		u.Event = EventCardClick
		if c := m.Event.Card; c != nil {
			u.EventKey, u.TaskID = c.EventKey, c.TaskID
		}
	}
}

// mentionRE matches a leading @-mention ("@RobotA ", "@机器人 ").
var mentionRE = regexp.MustCompile(`^\s*@\S+\s*`)

// stripMention removes the leading @-mention of a group message.
func stripMention(s string, mentioned bool) string {
	if !mentioned {
		return strings.TrimSpace(s)
	}
	return strings.TrimSpace(mentionRE.ReplaceAllString(s, ""))
}
