package dingtalk

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"tapline/bot"
)

// Conversation types of the robot callback (PLATFORMS.md §3.2).
const (
	convSingle = "1"
	convGroup  = "2"
)

// Chat types put into bot.Update.ChatType.
const (
	ChatSingle = "single"
	ChatGroup  = "group"
)

// payload is the robot callback body; only the fields Tapline uses.
// Picture, audio and richText bodies carry their data in "content"
// (shapes from open-source adapters of the robot API, PLATFORMS.md §3.2).
type payload struct {
	MsgType string `json:"msgtype"`
	Text    *struct {
		Content string `json:"content"`
	} `json:"text"`
	Content          json.RawMessage `json:"content"`
	MsgID            string          `json:"msgId"`
	CreateAt         int64           `json:"createAt"`
	ConversationType string          `json:"conversationType"`
	ConversationID   string          `json:"conversationId"`
	SenderID         string          `json:"senderId"`
	SenderStaffID    string          `json:"senderStaffId"`
	IsInAtList       bool            `json:"isInAtList"`
	SessionWebhook   string          `json:"sessionWebhook"`
	SessionExpiredAt int64           `json:"sessionWebhookExpiredTime"`
}

// mediaContent is "content" of picture, audio and richText messages.
type mediaContent struct {
	DownloadCode        string `json:"downloadCode"`
	PictureDownloadCode string `json:"pictureDownloadCode"`
	Recognition         string `json:"recognition"` // audio: speech-to-text
	RichText            []struct {
		Text                string `json:"text"`
		Type                string `json:"type"`
		DownloadCode        string `json:"downloadCode"`
		PictureDownloadCode string `json:"pictureDownloadCode"`
	} `json:"richText"`
}

// decode parses a robot callback body into an Inbound.
func decode(body []byte, clock bot.Clock) (*Inbound, error) {
	if len(body) > MaxBodySize {
		return nil, fmt.Errorf("body of %d bytes: %w", len(body), ErrMalformed)
	}
	var p payload
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, fmt.Errorf("json: %w", ErrMalformed)
	}
	sender := p.SenderStaffID
	if sender == "" {
		sender = p.SenderID
	}
	if p.MsgType == "" || p.MsgID == "" || p.ConversationID == "" || sender == "" {
		return nil, fmt.Errorf("msgtype, msgId, conversationId or sender missing: %w", ErrMalformed)
	}
	u := bot.Update{
		Platform:       bot.PlatformDingTalk,
		SenderID:       sender,
		ChatID:         p.ConversationID,
		MsgID:          p.MsgID,
		Mentioned:      p.IsInAtList,
		SessionWebhook: p.SessionWebhook,
		At:             clock.Now(),
	}
	if p.CreateAt > 0 {
		u.At = time.UnixMilli(p.CreateAt)
	}
	switch p.ConversationType {
	case convSingle:
		u.ChatType = ChatSingle
	case convGroup:
		u.ChatType = ChatGroup
	}
	if err := fillContent(&u, &p); err != nil {
		return nil, err
	}
	in := &Inbound{Raw: body, Update: u, SessionWebhook: p.SessionWebhook}
	if p.SessionExpiredAt > 0 {
		in.SessionExpires = time.UnixMilli(p.SessionExpiredAt)
	}
	return in, nil
}

// fillContent sets Kind, Text and MediaID from the message type. Unknown
// types (file, video, …) become KindOther.
func fillContent(u *bot.Update, p *payload) error {
	var c mediaContent
	if p.MsgType != "text" && len(p.Content) > 0 && string(p.Content) != "null" {
		if err := json.Unmarshal(p.Content, &c); err != nil {
			if p.MsgType == "picture" || p.MsgType == "audio" || p.MsgType == "richText" {
				return fmt.Errorf("%s content: %w", p.MsgType, ErrMalformed)
			}
		}
	}
	switch p.MsgType {
	case "text":
		if p.Text == nil {
			return fmt.Errorf("text message without text: %w", ErrMalformed)
		}
		u.Kind, u.Text = bot.KindText, stripMention(p.Text.Content)
	case "picture":
		u.Kind, u.MediaID = bot.KindImage, firstNonEmpty(c.DownloadCode, c.PictureDownloadCode)
	case "audio":
		u.Kind, u.MediaID, u.Text = bot.KindVoice, c.DownloadCode, strings.TrimSpace(c.Recognition)
	case "richText":
		fillRichText(u, &c)
	default:
		u.Kind = bot.KindOther
	}
	return nil
}

// fillRichText joins the text parts of a rich-text message and keeps the
// first picture's download code: text (with a picture as MediaID) if there
// is text, an image if there are only pictures, otherwise KindOther.
func fillRichText(u *bot.Update, c *mediaContent) {
	var text strings.Builder
	for _, part := range c.RichText {
		text.WriteString(part.Text)
		if code := firstNonEmpty(part.DownloadCode, part.PictureDownloadCode); code != "" && u.MediaID == "" &&
			(part.Type == "" || part.Type == "picture") {
			u.MediaID = code
		}
	}
	u.Text = stripMention(text.String())
	switch {
	case u.Text != "":
		u.Kind = bot.KindText
	case u.MediaID != "":
		u.Kind = bot.KindImage
	default:
		u.Kind = bot.KindOther
	}
}

// stripMention trims the text and removes one leading "@name" mention
// (DingTalk separates a mention from the rest with a space, often U+2005),
// so "@水务助手 批准 TS1" becomes "批准 TS1". A lone mention leaves "".
func stripMention(s string) string {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "@") {
		return s
	}
	for i, r := range s {
		if unicode.IsSpace(r) {
			return strings.TrimSpace(s[i+utf8.RuneLen(r):])
		}
	}
	return ""
}

// firstNonEmpty returns the first non-empty string.
func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
