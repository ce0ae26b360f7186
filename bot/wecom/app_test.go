package wecom

import (
	"bytes"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"tapline/bot"
)

const otherKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"

func newTestApp(t testing.TB) *AppVerifier {
	t.Helper()
	v, err := NewAppVerifier(AppConfig{CorpID: tCorpID, Token: tToken, EncodingAESKey: tKey}, clockAt(tNow))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// appXML wraps message fields in the common header of an app callback.
func appXML(fields string) string {
	return "<xml><ToUserName><![CDATA[" + tCorpID + "]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName>" +
		"<CreateTime>1700000000</CreateTime>" + fields + "<AgentID>1000002</AgentID></xml>"
}

func appEnvelopeBody(enc string) []byte {
	return []byte("<xml><ToUserName><![CDATA[" + tCorpID + "]]></ToUserName><AgentID><![CDATA[1000002]]></AgentID><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>")
}

// sealedApp encrypts plain with the reference implementation and returns
// a signed query and envelope.
func sealedApp(t testing.TB, plain string) (url.Values, []byte) {
	t.Helper()
	enc := refEncrypt(t, tKey, tRandom, []byte(plain), tCorpID)
	return signedQuery(enc, tNow), appEnvelopeBody(enc)
}

func TestNewAppVerifierConfig(t *testing.T) {
	tests := []AppConfig{
		{Token: tToken, EncodingAESKey: tKey},
		{CorpID: tCorpID, EncodingAESKey: tKey},
		{CorpID: tCorpID, Token: tToken, EncodingAESKey: tKey[:42]},
		{CorpID: tCorpID, Token: tToken, EncodingAESKey: tKey[:42] + "!"},
	}
	for i, cfg := range tests {
		if _, err := NewAppVerifier(cfg, nil); err == nil {
			t.Errorf("%d: no error for %+v", i, cfg)
		}
	}
}

func TestAppOpenErrors(t *testing.T) {
	good := refEncrypt(t, tKey, tRandom, []byte(appXML("<MsgType>text</MsgType><Content>hi</Content>")), tCorpID)
	signed := func(enc string) (url.Values, []byte) { return signedQuery(enc, tNow), appEnvelopeBody(enc) }
	badLen := refEncryptRaw(t, tKey, append(append(append([]byte{}, tRandom...), 0, 0, 1, 0), bytes.Repeat([]byte{12}, 12)...))
	badPad := refEncryptRaw(t, tKey, append(append([]byte{}, tRandom...), bytes.Repeat([]byte{0}, 16)...))
	shortPlain := refEncryptRaw(t, tKey, bytes.Repeat([]byte{16}, 32)) // valid padding, nothing left
	tests := []struct {
		name string
		req  func() (url.Values, []byte)
		want error
	}{
		{"missing signature", func() (url.Values, []byte) {
			q, b := signed(good)
			q.Del("msg_signature")
			return q, b
		}, ErrMissingSignature},
		{"wrong signature", func() (url.Values, []byte) {
			q, b := signed(good)
			q.Set("msg_signature", strings.Repeat("0", 40))
			return q, b
		}, ErrBadSignature},
		{"signature for another nonce", func() (url.Values, []byte) {
			q, b := signed(good)
			q.Set("nonce", "1")
			return q, b
		}, ErrBadSignature},
		{"signature over another body", func() (url.Values, []byte) {
			q, _ := signed(good)
			return q, appEnvelopeBody(refEncrypt(t, tKey, tRandom, []byte("<xml/>"), tCorpID))
		}, ErrBadSignature},
		{"too old", func() (url.Values, []byte) { return signedQuery(good, tNow-301), appEnvelopeBody(good) }, ErrExpiredTimestamp},
		{"too new", func() (url.Values, []byte) { return signedQuery(good, tNow+301), appEnvelopeBody(good) }, ErrExpiredTimestamp},
		{"timestamp not a number", func() (url.Values, []byte) {
			q := url.Values{"msg_signature": {refSignature(tToken, "x", tNonce, good)}, "timestamp": {"x"}, "nonce": {tNonce}}
			return q, appEnvelopeBody(good)
		}, ErrExpiredTimestamp},
		{"not base64", func() (url.Values, []byte) { return signed("@@@@") }, ErrBadEncryption},
		{"not whole blocks", func() (url.Values, []byte) { return signed("AAAAAAAAAAAAAAAAAAAAAAAAAAA=") }, ErrBadEncryption},
		{"other key", func() (url.Values, []byte) {
			return signed(refEncrypt(t, otherKey, tRandom, []byte(appXML("<MsgType>text</MsgType>")), tCorpID))
		}, ErrBadEncryption},
		{"other corp", func() (url.Values, []byte) {
			return signed(refEncrypt(t, tKey, tRandom, []byte(appXML("<MsgType>text</MsgType>")), "ww_other"))
		}, ErrBadEncryption},
		{"empty receive id", func() (url.Values, []byte) {
			return signed(refEncrypt(t, tKey, tRandom, []byte(appXML("<MsgType>text</MsgType>")), ""))
		}, ErrBadEncryption},
		{"length prefix too large", func() (url.Values, []byte) { return signed(badLen) }, ErrBadEncryption},
		{"zero padding", func() (url.Values, []byte) { return signed(badPad) }, ErrBadEncryption},
		{"plaintext shorter than header", func() (url.Values, []byte) { return signed(shortPlain) }, ErrBadEncryption},
		{"body not xml", func() (url.Values, []byte) { q, _ := signed(good); return q, []byte("{") }, ErrMalformed},
		{"no Encrypt", func() (url.Values, []byte) {
			q, _ := signed(good)
			return q, []byte("<xml><ToUserName>x</ToUserName></xml>")
		}, ErrMalformed},
		{"body too large", func() (url.Values, []byte) { q, _ := signed(good); return q, make([]byte, MaxBodySize+1) }, ErrMalformed},
		{"decrypted not xml", func() (url.Values, []byte) {
			return signed(refEncrypt(t, tKey, tRandom, []byte("not xml <"), tCorpID))
		}, ErrMalformed},
		{"no FromUserName", func() (url.Values, []byte) {
			return signed(refEncrypt(t, tKey, tRandom, []byte("<xml><MsgType>text</MsgType></xml>"), tCorpID))
		}, ErrMalformed},
	}
	v := newTestApp(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, body := tt.req()
			in, err := v.Open(q, body)
			if !errors.Is(err, tt.want) || in != nil {
				t.Fatalf("Open = %v, %v; want %v", in, err, tt.want)
			}
		})
	}
}

func TestAppWindowEdges(t *testing.T) {
	enc := refEncrypt(t, tKey, tRandom, []byte(appXML("<MsgType>text</MsgType><Content>hi</Content>")), tCorpID)
	v := newTestApp(t)
	for _, tt := range []struct {
		ts int64
		ok bool
	}{{tNow - 300, true}, {tNow + 300, true}, {tNow, true}, {tNow - 301, false}, {tNow + 301, false}} {
		_, err := v.Open(signedQuery(enc, tt.ts), appEnvelopeBody(enc))
		if (err == nil) != tt.ok || (!tt.ok && !errors.Is(err, ErrExpiredTimestamp)) {
			t.Errorf("ts %+d: %v", tt.ts-tNow, err)
		}
	}
	short, _ := NewAppVerifier(AppConfig{CorpID: tCorpID, Token: tToken, EncodingAESKey: tKey, Window: 10 * time.Second}, clockAt(tNow))
	if _, err := short.Open(signedQuery(enc, tNow-11), appEnvelopeBody(enc)); !errors.Is(err, ErrExpiredTimestamp) {
		t.Errorf("custom window: %v", err)
	}
}

func TestAppVerifyURL(t *testing.T) {
	v := newTestApp(t)
	echo := refEncrypt(t, tKey, tRandom, []byte("8812345678901234567"), tCorpID)
	q := signedQuery(echo, tNow)
	q.Set("echostr", echo)
	if got, err := v.VerifyURL(q); err != nil || got != "8812345678901234567" {
		t.Fatalf("VerifyURL = %q, %v", got, err)
	}
	q.Del("echostr")
	if _, err := v.VerifyURL(q); !errors.Is(err, ErrMalformed) {
		t.Fatalf("no echostr: %v", err)
	}
	q = signedQuery(echo, tNow-400)
	q.Set("echostr", echo)
	if _, err := v.VerifyURL(q); !errors.Is(err, ErrExpiredTimestamp) {
		t.Fatalf("old: %v", err)
	}
}

func TestAppDecode(t *testing.T) {
	at := time.Unix(1700000000, 0).UTC()
	tests := []struct {
		name, fields string
		want         bot.Update
	}{
		{"text", "<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[同意 TS20240501-0007]]></Content><MsgId>123</MsgId>",
			bot.Update{Kind: "text", Text: "同意 TS20240501-0007", MsgID: "123"}},
		{"image", "<MsgType>image</MsgType><PicUrl><![CDATA[https://p.qpic.cn/x]]></PicUrl><MediaId><![CDATA[m1]]></MediaId><MsgId>124</MsgId>",
			bot.Update{Kind: "image", PicURL: "https://p.qpic.cn/x", MediaID: "m1", MsgID: "124"}},
		{"voice", "<MsgType>voice</MsgType><MediaId>v1</MediaId><Format>amr</Format><MsgId>125</MsgId>",
			bot.Update{Kind: "voice", MediaID: "v1", MsgID: "125"}},
		{"location", "<MsgType>location</MsgType><Location_X>23.134521</Location_X><Location_Y>113.358803</Location_Y><Label>幸福路</Label><MsgId>126</MsgId>",
			bot.Update{Kind: "location", Lat: 23.134521, Lng: 113.358803, Label: "幸福路", MsgID: "126"}},
		{"video", "<MsgType>video</MsgType><MediaId>x</MediaId><MsgId>127</MsgId>", bot.Update{Kind: "other", MsgID: "127"}},
		{"card click", "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event>" +
			"<EventKey><![CDATA[accept:TS20240501-0007]]></EventKey><TaskId><![CDATA[TS20240501-0007_x1]]></TaskId>" +
			"<CardType><![CDATA[button_interaction]]></CardType><ResponseCode><![CDATA[RC123]]></ResponseCode>",
			bot.Update{Kind: "event", Event: EventCardClick, EventKey: "accept:TS20240501-0007", TaskID: "TS20240501-0007_x1", ResponseCode: "RC123"}},
		{"enter_agent", "<MsgType>event</MsgType><Event>enter_agent</Event><EventKey></EventKey>",
			bot.Update{Kind: "event", Event: "enter_agent"}},
		{"menu click", "<MsgType>event</MsgType><Event>click</Event><EventKey>MENU_CASES</EventKey>",
			bot.Update{Kind: "event", Event: "click", EventKey: "MENU_CASES"}},
		{"LOCATION event", "<MsgType>event</MsgType><Event>LOCATION</Event><Latitude>23.1</Latitude><Longitude>113.3</Longitude><Precision>1</Precision>",
			bot.Update{Kind: "event", Event: "LOCATION", Lat: 23.1, Lng: 113.3}},
	}
	v := newTestApp(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := v.Open(sealedApp(t, appXML(tt.fields)))
			if err != nil {
				t.Fatal(err)
			}
			want := tt.want
			want.Platform, want.SenderID, want.ChatType, want.At = "wecom", "zhangsan", "single", at
			if in.Update != want {
				t.Fatalf("update\n got %+v\nwant %+v", in.Update, want)
			}
			if in.AgentID != "1000002" || in.CorpID != tCorpID {
				t.Fatalf("inbound %+v", in)
			}
		})
	}
}

func TestAppCardClickDedupeKey(t *testing.T) {
	v := newTestApp(t)
	fields := "<MsgType>event</MsgType><Event>template_card_event</Event><EventKey>accept:TS1</EventKey><TaskId>T1</TaskId><CardType>button_interaction</CardType>"
	a, err := v.Open(sealedApp(t, appXML(fields)))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := v.Open(sealedApp(t, appXML(strings.Replace(fields, "accept:TS1", "reject:TS1", 1))))
	if a.Update.DedupeKey() == b.Update.DedupeKey() || a.CardType != "button_interaction" {
		t.Fatalf("keys %q %q", a.Update.DedupeKey(), b.Update.DedupeKey())
	}
	want := "wecom:zhangsan:20231114221320:card_click:accept:TS1"
	if a.Update.DedupeKey() != want {
		t.Fatalf("key %q, want %q", a.Update.DedupeKey(), want)
	}
}
