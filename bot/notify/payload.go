package notify

import (
	"encoding/json"
	"fmt"
	"strings"

	"tapline/bot"
)

// Outbox kinds.
const (
	KindCard = "card"
	KindText = "text"
	KindFile = "file"
)

// EncodeMessage returns the Kind and Payload of an outbox row carrying msg:
// the JSON of the bot.Message.
func EncodeMessage(msg bot.Message) (kind, payload string, err error) {
	kind = KindText
	switch {
	case msg.Card != nil:
		kind = KindCard
	case msg.File != nil:
		kind = KindFile
	}
	data, err := json.Marshal(msg)
	if err != nil {
		return "", "", fmt.Errorf("encode message: %w", err)
	}
	return kind, string(data), nil
}

// DecodeMessage reads an outbox payload: the JSON of a bot.Message, or
// (tolerated) the JSON of a bare bot.Card for kind "card" and plain text for
// kind "text". An unreadable payload wraps bot.ErrPermanent.
func DecodeMessage(kind, payload string) (bot.Message, error) {
	var msg bot.Message
	if err := json.Unmarshal([]byte(payload), &msg); err == nil && (msg.Card != nil || msg.Text != "" || msg.File != nil) {
		return msg, nil
	}
	switch kind {
	case KindCard:
		var c bot.Card
		if err := json.Unmarshal([]byte(payload), &c); err == nil && c.CaseNumber != "" {
			return bot.Message{Card: &c}, nil
		}
	case KindText:
		var s string
		if err := json.Unmarshal([]byte(payload), &s); err == nil && s != "" {
			return bot.Message{Text: s}, nil
		}
		if t := strings.TrimSpace(payload); t != "" && !strings.HasPrefix(t, "{") {
			return bot.Message{Text: payload}, nil
		}
	}
	return bot.Message{}, fmt.Errorf("decode %q payload: %w", kind, bot.ErrPermanent)
}
