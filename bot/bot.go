// Package bot is the neutral core between the chat platforms and the
// domain: an inbound Update, outbound Reply and Card, and the Sender
// interface each platform adapter implements. It knows no platform and no
// HTTP framework.
package bot

import (
	"context"
	"time"
)

// Platforms an Update can come from.
const (
	PlatformWeChat   = "wechat"
	PlatformWeCom    = "wecom"
	PlatformWeComBot = "wecom_bot"
	PlatformDingTalk = "dingtalk"
	PlatformSim      = "sim"
	// PlatformConsole is a signed-in person acting in the browser console
	// or through the API; SenderID is their roster ID.
	PlatformConsole = "console"
)

// Kinds of Update.
const (
	KindText     = "text"
	KindImage    = "image"
	KindVoice    = "voice"
	KindLocation = "location"
	KindEvent    = "event"
	KindOther    = "other" // video, link, file …: answered politely
)

// Update is one inbound message or event, decoded from any platform.
type Update struct {
	Platform string
	Kind     string
	SenderID string // OpenID on WeChat, user ID on WeCom, staff ID on DingTalk
	ChatID   string // group/conversation ID, empty in 1:1 chat
	MsgID    string // platform message ID, empty for events
	Text     string // text content, or voice recognition result
	MediaID  string // image/voice media ID
	PicURL   string // image URL when the platform gives one
	Lat, Lng float64
	Label    string // location label
	Event    string // subscribe, unsubscribe, CLICK, …
	EventKey string
	At       time.Time // platform timestamp

	// Staff channels only.
	ChatType       string // "single" or "group"
	Mentioned      bool   // the bot was @-mentioned (group chats)
	SessionWebhook string // DingTalk: URL to reply to this conversation (expires)
	TaskID         string // WeCom: template_card task_id of a clicked card
	ResponseCode   string // WeCom: response_code to update a clicked card once
}

// DedupeKey returns the key under which a retried delivery of this Update is
// recognised: sender+MsgID for messages, sender+time+event for events.
func (u *Update) DedupeKey() string {
	if u.MsgID != "" {
		return u.Platform + ":" + u.SenderID + ":" + u.MsgID
	}
	return u.Platform + ":" + u.SenderID + ":" + u.At.UTC().Format("20060102150405") + ":" + u.Event + ":" + u.EventKey
}

// Reply is a passive answer to an Update: a text, or a card replacing the
// clicked one where the platform allows (WeCom smart bot, WeCom app
// update_button).
type Reply struct {
	Text string
	Card *Card
}

// Button is an action offered on a card; Key is what a click sends back
// (e.g. "accept:TS20261127-0042"), the same action a text command names.
type Button struct {
	Key   string `json:"key"`
	Text  string `json:"text"`
	Style int    `json:"style,omitempty"` // 1 primary, 2 secondary, 3 danger (WeCom styles)
}

// Card is the neutral task card sent to a department group (PRODUCT B2).
// Personal data in it is already masked.
type Card struct {
	Title      string    `json:"title"`
	CaseNumber string    `json:"case_number"`
	Category   string    `json:"category"`   // display name
	Department string    `json:"department"` // display name
	Major      bool      `json:"major"`
	MajorWhy   string    `json:"major_why,omitempty"`
	Name       string    `json:"name"`  // masked
	Phone      string    `json:"phone"` // masked
	Address    string    `json:"address"`
	Summary    string    `json:"summary"`
	Expect     string    `json:"expect,omitempty"`
	At         time.Time `json:"at"`
	URL        string    `json:"url,omitempty"`
	Status     string    `json:"status,omitempty"`  // current status shown on the card
	Buttons    []Button  `json:"buttons,omitempty"` // actions, where the platform has buttons
	// TaskID is the card's stable identity (e.g. "major_TS20261127-0042"):
	// every state of one card carries it, and a platform adapter derives
	// its own card IDs from it. The outbox delivers only the latest state
	// of a card to a target; older states still waiting are not posted.
	TaskID string `json:"task_id,omitempty"`
	// Update marks a later state of the card already sent under TaskID to
	// the same audience: a platform that can change a sent card in place
	// (WeCom app update_template_card, DingTalk interactive cards by
	// outTrackId) updates it there instead of posting a new message; a
	// platform that cannot (group robots) does not post it again. When no
	// state of the card reached the target yet, the outbox sends it as the
	// card itself (Update cleared). The WeCom app updates with a
	// response_code, one per send or click: without one left it posts the
	// state as a new card.
	Update bool `json:"update,omitempty"`
}

// Message is what the outbox delivers: a card, plain text or a file.
type Message struct {
	Card *Card  `json:"card,omitempty"`
	Text string `json:"text,omitempty"`
	File *File  `json:"file,omitempty"`
}

// File is a stored file sent to a group: a workbook as a file, a chart as
// an image. Platforms that cannot take the file itself (DingTalk custom
// robots) get URL, a signed download link with an expiry.
type File struct {
	ID    uint64 `json:"id"`
	Name  string `json:"name"`
	Image bool   `json:"image,omitempty"`
	URL   string `json:"url,omitempty"`
	Note  string `json:"note,omitempty"` // a line shown with the link
}

// FileSource reads stored files for the senders that upload them.
type FileSource interface {
	ReadFile(ctx context.Context, id uint64) (name string, content []byte, err error)
}

// Sender delivers one message to one target on one platform. A returned
// error means the message was not delivered and may be retried; errors
// wrapping ErrPermanent must not be retried.
type Sender interface {
	Send(ctx context.Context, target string, msg Message) error
}

// Clock tells the time; injected so tests control it.
type Clock interface{ Now() time.Time }

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }
