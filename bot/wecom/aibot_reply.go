package wecom

// Passive replies of the smart bot (被动回复消息, document 101031), sealed
// as {"encrypt","msgsignature","timestamp","nonce"} (101033).

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"tapline/bot"
)

// maxStreamBytes bounds stream.content (101031: ≤ 20480 bytes).
const maxStreamBytes = 20480

// botEncryptedReply is the reply envelope; timestamp is a number (101033).
type botEncryptedReply struct {
	Encrypt      string `json:"encrypt"`
	MsgSignature string `json:"msgsignature"`
	Timestamp    int64  `json:"timestamp"`
	Nonce        string `json:"nonce"`
}

// Reply encodes the encrypted passive reply to in; nil (an empty body)
// when there is nothing WeCom allows to send:
//
//   - card click: {"response_type":"update_template_card","template_card":…}
//     replacing the card for everyone who received it, with the clicked
//     task_id; built from r.Card (or a card titled r.Text). WeCom has no
//     disabled button, so a card without buttons gets one secondary button
//     with key "noop" reading its Status ("已处理" by default);
//   - enter_chat: {"msgtype":"text"} (the only event that takes text);
//   - message: a card with buttons as {"msgtype":"template_card"}, else the
//     text (or the card as text) as a finished markdown stream;
//   - other events (feedback, stream refresh): empty.
//
// timestamp and nonce are normally the request's.
func (v *BotVerifier) Reply(in *BotInbound, r bot.Reply, timestamp, nonce string) ([]byte, error) {
	if in == nil {
		return nil, errors.New("wecom bot: reply: nil inbound")
	}
	if strings.TrimSpace(r.Text) == "" && r.Card == nil {
		return nil, nil
	}
	payload, err := v.replyPayload(in, r)
	if err != nil || payload == nil {
		return nil, err
	}
	plain, err := json.Marshal(payload)
	if err != nil {
		return nil, fmt.Errorf("wecom bot: reply: %w", err)
	}
	s, err := v.seal(plain, v.receiveID, timestamp, nonce)
	if err != nil {
		return nil, fmt.Errorf("wecom bot: reply: %w", err)
	}
	ts, _ := strconv.ParseInt(s.Timestamp, 10, 64) // seal returns a valid timestamp
	return json.Marshal(botEncryptedReply{Encrypt: s.Encrypt, MsgSignature: s.Signature, Timestamp: ts, Nonce: s.Nonce})
}

// replyPayload builds the plaintext reply object, nil when none is allowed.
func (v *BotVerifier) replyPayload(in *BotInbound, r bot.Reply) (any, error) {
	u := in.Update
	switch {
	case u.Event == EventCardClick:
		tc, err := botUpdateCard(r, u.TaskID)
		if err != nil {
			return nil, fmt.Errorf("wecom bot: reply: %w", err)
		}
		return map[string]any{"response_type": "update_template_card", "template_card": tc}, nil
	case u.Kind == bot.KindEvent && u.Event == "enter_chat":
		return map[string]any{"msgtype": "text", "text": map[string]string{"content": replyText(r)}}, nil
	case u.Kind == bot.KindEvent:
		return nil, nil
	case r.Card != nil && len(r.Card.Buttons) > 0:
		id, err := taskIDFor(r.Card, v.clock.Now())
		if err != nil {
			return nil, fmt.Errorf("wecom bot: reply: %w", err)
		}
		tc, err := buildCard(r.Card, id)
		if err != nil {
			return nil, fmt.Errorf("wecom bot: reply: %w", err)
		}
		return map[string]any{"msgtype": "template_card", "template_card": tc}, nil
	}
	id, err := v.streamID()
	if err != nil {
		return nil, err
	}
	return map[string]any{"msgtype": "stream", "stream": map[string]any{
		"id": id, "finish": true, "content": truncateBytes(replyText(r), maxStreamBytes),
	}}, nil
}

// botUpdateCard builds the card that replaces a clicked one. The task_id
// must be the clicked card's (101031 "模板卡片中的task_id需跟回调收到的task_id一致").
func botUpdateCard(r bot.Reply, taskID string) (*templateCard, error) {
	c := bot.Card{Title: r.Text}
	if r.Card != nil {
		c = *r.Card
	}
	if len(c.Buttons) == 0 {
		label := oneLine(c.Status)
		if label == "" {
			label = "已处理"
		}
		c.Buttons = []bot.Button{{Key: noopButtonKey, Text: label, Style: 2}}
	}
	c.TaskID = taskID
	return buildCard(&c, taskID)
}

// replyText is r.Text, or the card as plain text.
func replyText(r bot.Reply) string {
	if strings.TrimSpace(r.Text) != "" {
		return r.Text
	}
	return CardText(r.Card)
}

// streamID returns a random stream id.
func (v *BotVerifier) streamID() (string, error) {
	b := make([]byte, 12)
	if _, err := io.ReadFull(v.rand, b); err != nil {
		return "", fmt.Errorf("wecom bot: reply: stream id: %w", err)
	}
	return hex.EncodeToString(b), nil
}
