package wechat

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/silenceper/wechat/v2/util"

	"tapline/bot"
)

// Content types returned by Reply.
const (
	ContentTypeXML  = "application/xml; charset=utf-8"
	ContentTypeText = "text/plain; charset=utf-8"
)

// successBody stops WeChat's retries without showing the user anything.
var successBody = []byte("success")

type cdata struct {
	Value string `xml:",cdata"`
}

// textReply is the passive text reply (被动回复文本消息).
type textReply struct {
	XMLName      xml.Name `xml:"xml"`
	ToUserName   cdata    `xml:"ToUserName"`
	FromUserName cdata    `xml:"FromUserName"`
	CreateTime   int64    `xml:"CreateTime"`
	MsgType      cdata    `xml:"MsgType"`
	Content      cdata    `xml:"Content"`
}

// encryptedReply is the safe-mode reply envelope.
type encryptedReply struct {
	XMLName      xml.Name `xml:"xml"`
	Encrypt      cdata    `xml:"Encrypt"`
	MsgSignature cdata    `xml:"MsgSignature"`
	TimeStamp    int64    `xml:"TimeStamp"`
	Nonce        cdata    `xml:"Nonce"`
}

// Reply encodes the passive reply to in and returns the body and its
// Content-Type. An empty reply is the literal body "success" in every mode
// (an encrypted empty payload is not a valid answer). In compat and aes
// modes the text reply is encrypted with a fresh random prefix and wrapped
// in <xml><Encrypt/><MsgSignature/><TimeStamp/><Nonce/></xml>; timestamp
// and nonce are normally the request's (an empty one is generated).
func (v *Verifier) Reply(in *Inbound, r bot.Reply, timestamp, nonce string) ([]byte, string, error) {
	if in == nil {
		return nil, "", errors.New("wechat: reply: nil inbound")
	}
	if r.Text == "" {
		return successBody, ContentTypeText, nil
	}
	plain, err := xml.Marshal(textReply{
		ToUserName:   cdata{in.Update.SenderID},
		FromUserName: cdata{in.ToUser},
		CreateTime:   v.clock.Now().Unix(),
		MsgType:      cdata{"text"},
		Content:      cdata{validXMLText(r.Text)},
	})
	if err != nil {
		return nil, "", fmt.Errorf("wechat: reply: %w", err)
	}
	if in.Mode == ModePlain {
		return plain, ContentTypeXML, nil
	}
	body, err := v.seal(plain, timestamp, nonce)
	if err != nil {
		return nil, "", fmt.Errorf("wechat: reply: %w", err)
	}
	return body, ContentTypeXML, nil
}

// seal encrypts plain (random16 | len | plain | AppID, AES-256-CBC) and signs
// it: MsgSignature = sha1(sort(token, timestamp, nonce, Encrypt)).
func (v *Verifier) seal(plain []byte, timestamp, nonce string) ([]byte, error) {
	if v.cfg.EncodingAESKey == "" {
		return nil, fmt.Errorf("seal: no EncodingAESKey configured: %w", ErrBadEncryption)
	}
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		ts = v.clock.Now().Unix()
		timestamp = strconv.FormatInt(ts, 10)
	}
	if nonce == "" {
		if nonce, err = v.randomNonce(); err != nil {
			return nil, err
		}
	}
	random := make([]byte, 16)
	if _, err := io.ReadFull(v.rand, random); err != nil {
		return nil, fmt.Errorf("seal: random: %w", err)
	}
	enc, err := util.EncryptMsg(random, plain, v.cfg.AppID, v.cfg.EncodingAESKey)
	if err != nil {
		return nil, fmt.Errorf("seal: encrypt: %w", err)
	}
	return xml.Marshal(encryptedReply{
		Encrypt:      cdata{string(enc)},
		MsgSignature: cdata{util.Signature(v.cfg.Token, timestamp, nonce, string(enc))},
		TimeStamp:    ts,
		Nonce:        cdata{nonce},
	})
}

// randomNonce returns ten random decimal digits.
func (v *Verifier) randomNonce() (string, error) {
	b := make([]byte, 10)
	if _, err := io.ReadFull(v.rand, b); err != nil {
		return "", fmt.Errorf("seal: nonce: %w", err)
	}
	for i := range b {
		b[i] = '0' + b[i]%10
	}
	return string(b), nil
}

// validXMLText drops characters XML 1.0 cannot carry (control characters,
// invalid UTF-8), which would make WeChat reject the whole reply.
func validXMLText(s string) string {
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
