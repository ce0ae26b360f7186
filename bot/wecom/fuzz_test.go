package wecom

import (
	"encoding/json"
	"errors"
	"net/url"
	"testing"

	"tapline/bot"
)

// sentinel reports whether err wraps one of the package's sentinel errors.
func sentinel(err error) bool {
	for _, s := range []error{ErrMissingSignature, ErrBadSignature, ErrExpiredTimestamp, ErrBadEncryption, ErrMalformed} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

// FuzzAppOpen feeds arbitrary ciphertexts (correctly signed), arbitrary
// decrypted plaintexts (correctly encrypted and signed) and arbitrary raw
// bodies to AppVerifier.Open; it must not panic, must fail only with a
// sentinel error, and must be able to reply to whatever it accepts.
func FuzzAppOpen(f *testing.F) {
	f.Add("", []byte(appXML("<MsgType>text</MsgType><Content>hi</Content><MsgId>1</MsgId>")))
	f.Add("AAAA", []byte(appXML("<MsgType>event</MsgType><Event>template_card_event</Event><EventKey>k</EventKey><TaskId>t</TaskId>")))
	f.Add(refEncrypt(f, tKey, tRandom, []byte("<xml><FromUserName>a</FromUserName><MsgType>x</MsgType></xml>"), tCorpID), []byte("<xml><Encrypt>"))
	f.Add("P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==", []byte{0xff, 0, '<'})
	v := newTestApp(f)
	f.Fuzz(func(t *testing.T, enc string, plain []byte) {
		q, body := sealedApp(t, string(plain))
		for _, a := range []fuzzReq{{signedQuery(enc, tNow), appEnvelopeBody(enc)}, {q, body}, {q, plain}} {
			in, err := v.Open(a.q, a.body)
			if err != nil {
				if !sentinel(err) || in != nil {
					t.Fatalf("Open: %v (inbound %v)", err, in)
				}
				continue
			}
			if in.Update.Platform != bot.PlatformWeCom || in.Update.SenderID == "" {
				t.Fatalf("accepted %+v", in.Update)
			}
			if _, err := v.Reply(in, bot.Reply{Text: string(plain), Card: &bot.Card{Title: enc}}, "1700000000", tNonce); err != nil {
				t.Fatalf("Reply: %v", err)
			}
		}
	})
}

// FuzzBotOpen is FuzzAppOpen for BotVerifier (JSON, receive id "").
func FuzzBotOpen(f *testing.F) {
	f.Add("", []byte(botText))
	f.Add("AAAA", []byte(botClick))
	f.Add("", []byte(`{"msgid":"m","from":{"userid":"u"},"msgtype":"mixed","mixed":{"msg_item":[{"msgtype":"text","text":null}]}}`))
	f.Add("", []byte(`{"msgid":"m","from":{"userid":"u"},"msgtype":"event","event":{"eventtype":"template_card_event","template_card_event":null}}`))
	v := newTestBot(f)
	f.Fuzz(func(t *testing.T, enc string, plain []byte) {
		q, body := sealedBot(t, string(plain))
		encBody, _ := json.Marshal(map[string]string{"encrypt": enc})
		for _, a := range []fuzzReq{{signedQuery(enc, tNow), encBody}, {q, body}, {q, plain}} {
			in, err := v.Open(a.q, a.body)
			if err != nil {
				if !sentinel(err) || in != nil {
					t.Fatalf("Open: %v (inbound %v)", err, in)
				}
				continue
			}
			if in.Update.Platform != bot.PlatformWeComBot || in.Update.SenderID == "" || in.Update.MsgID == "" {
				t.Fatalf("accepted %+v", in.Update)
			}
			card := &bot.Card{Title: enc, Buttons: []bot.Button{{Key: "k", Text: string(plain)}}}
			if _, err := v.Reply(in, bot.Reply{Text: string(plain), Card: card}, "1700000000", tNonce); err != nil {
				t.Fatalf("Reply: %v", err)
			}
		}
	})
}

// fuzzReq is one request a fuzz target tries.
type fuzzReq struct {
	q    url.Values
	body []byte
}
