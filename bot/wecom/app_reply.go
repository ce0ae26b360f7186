package wecom

import (
	"encoding/xml"
	"errors"
	"fmt"
	"strings"

	"tapline/bot"
)

// maxReplaceNameRunes bounds the text that replaces a clicked card's buttons.
const maxReplaceNameRunes = 32

type cdata struct {
	Value string `xml:",cdata"`
}

// appTextReply is the passive text reply (被动回复消息格式 96469/90241 文本消息).
type appTextReply struct {
	XMLName      xml.Name `xml:"xml"`
	ToUserName   cdata    `xml:"ToUserName"`
	FromUserName cdata    `xml:"FromUserName"`
	CreateTime   int64    `xml:"CreateTime"`
	MsgType      cdata    `xml:"MsgType"`
	Content      cdata    `xml:"Content"`
}

// appButtonReply is the passive reply to a template_card_event that greys
// out the clicked user's buttons with ReplaceName ("更新点击用户的按钮文案").
type appButtonReply struct {
	XMLName      xml.Name `xml:"xml"`
	ToUserName   cdata    `xml:"ToUserName"`
	FromUserName cdata    `xml:"FromUserName"`
	CreateTime   int64    `xml:"CreateTime"`
	MsgType      cdata    `xml:"MsgType"`
	ReplaceName  cdata    `xml:"Button>ReplaceName"`
}

// appEncryptedReply is the encrypted reply envelope.
type appEncryptedReply struct {
	XMLName      xml.Name `xml:"xml"`
	Encrypt      cdata    `xml:"Encrypt"`
	MsgSignature cdata    `xml:"MsgSignature"`
	TimeStamp    string   `xml:"TimeStamp"`
	Nonce        cdata    `xml:"Nonce"`
}

// Reply encodes the encrypted passive reply to in. A reply with neither
// text nor card is an empty body (WeCom accepts an empty 200 and does not
// retry). For a card click the reply is update_button: the clicking user's
// buttons become one grey button reading r.Card.Status, else r.Text, else
// "已处理" (only that user's card changes; AppSender.UpdateCard changes it
// for everyone). Otherwise it is a text message with r.Text, or the card as
// plain text. timestamp and nonce are normally the request's.
func (v *AppVerifier) Reply(in *AppInbound, r bot.Reply, timestamp, nonce string) ([]byte, error) {
	if in == nil {
		return nil, errors.New("wecom app: reply: nil inbound")
	}
	if strings.TrimSpace(r.Text) == "" && r.Card == nil {
		return nil, nil
	}
	now := v.clock.Now().Unix()
	var plain []byte
	var err error
	if in.Update.Event == EventCardClick {
		plain, err = xml.Marshal(appButtonReply{
			ToUserName: cdata{in.Update.SenderID}, FromUserName: cdata{v.corpID}, CreateTime: now,
			MsgType: cdata{"update_button"}, ReplaceName: cdata{replaceName(r)},
		})
	} else {
		text := r.Text
		if strings.TrimSpace(text) == "" {
			text = CardText(r.Card)
		}
		plain, err = xml.Marshal(appTextReply{
			ToUserName: cdata{in.Update.SenderID}, FromUserName: cdata{v.corpID}, CreateTime: now,
			MsgType: cdata{"text"}, Content: cdata{truncateBytes(xmlSafe(text), maxTextBytes)},
		})
	}
	if err != nil {
		return nil, fmt.Errorf("wecom app: reply: %w", err)
	}
	s, err := v.seal(plain, v.corpID, timestamp, nonce)
	if err != nil {
		return nil, fmt.Errorf("wecom app: reply: %w", err)
	}
	return xml.Marshal(appEncryptedReply{
		Encrypt: cdata{s.Encrypt}, MsgSignature: cdata{s.Signature}, TimeStamp: s.Timestamp, Nonce: cdata{s.Nonce},
	})
}

// replaceName picks the grey button text of an update_button reply.
func replaceName(r bot.Reply) string {
	name := "已处理"
	switch {
	case r.Card != nil && strings.TrimSpace(r.Card.Status) != "":
		name = r.Card.Status
	case strings.TrimSpace(r.Text) != "":
		name = r.Text
	}
	return truncateRunes(oneLine(xmlSafe(name)), maxReplaceNameRunes)
}

// xmlSafe drops characters XML 1.0 cannot carry (control characters,
// U+FFFE/U+FFFF, invalid UTF-8), which would make WeCom reject the reply.
func xmlSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return r
		case r < 0x20, r == 0xFFFE, r == 0xFFFF:
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
}

// oneLine flattens line breaks and trims.
func oneLine(s string) string {
	return strings.TrimSpace(strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s))
}

// truncateRunes cuts s to at most n runes, marking the cut with "…".
func truncateRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
