package wechat

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"tapline/bot"
)

func TestNewVerifier(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr bool
	}{
		{"plaintext only", Config{Token: "t"}, false},
		{"with key", testConfig(), false},
		{"no token", Config{AppID: testAppID, EncodingAESKey: testKey}, true},
		{"key 42 chars", Config{AppID: testAppID, Token: "t", EncodingAESKey: testKey[:42]}, true},
		{"key 44 chars", Config{AppID: testAppID, Token: "t", EncodingAESKey: testKey + "A"}, true},
		{"key not base64", Config{AppID: testAppID, Token: "t", EncodingAESKey: strings.Repeat("!", 43)}, true},
		{"key without AppID", Config{Token: "t", EncodingAESKey: testKey}, true},
		{"compatible mode", withMode(testConfig(), ServerCompatible), false},
		{"plain mode with a key", withMode(testConfig(), ServerPlain), true},
		{"safe mode without a key", Config{Token: "t", Mode: ServerSafe}, true},
		{"unknown mode", withMode(testConfig(), "both"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := NewVerifier(tt.cfg, nil)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if err == nil && v.cfg.Window != DefaultWindow {
				t.Fatalf("window = %v", v.cfg.Window)
			}
		})
	}
}

func TestVerifyURL(t *testing.T) {
	withTS := func(offset int64) url.Values {
		q := plainQuery(testNow + offset)
		q.Set("echostr", "echo-42")
		return q
	}
	set := func(q url.Values, k, val string) url.Values { q.Set(k, val); return q }
	tests := []struct {
		name  string
		query url.Values
		want  error
	}{
		{"ok", withTS(0), nil},
		{"window edge -300s", withTS(-300), nil},
		{"window edge +300s", withTS(300), nil},
		{"-301s", withTS(-301), ErrExpiredTimestamp},
		{"+301s", withTS(301), ErrExpiredTimestamp},
		{"missing signature", set(withTS(0), "signature", ""), ErrMissingSignature},
		{"bad signature", set(withTS(0), "signature", strings.Repeat("0", 40)), ErrBadSignature},
		{"signature of another nonce", set(withTS(0), "nonce", "987"), ErrBadSignature},
		{"missing echostr", set(withTS(0), "echostr", ""), ErrMalformed},
		{"unparsable timestamp", signedWithTS("abc"), ErrExpiredTimestamp},
		{"empty timestamp", signedWithTS(""), ErrExpiredTimestamp},
	}
	v := mustVerifier(t, Config{Token: testToken}, testNow)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			echo, err := v.VerifyURL(tt.query)
			if !errors.Is(err, tt.want) || (tt.want == nil && echo != "echo-42") {
				t.Fatalf("VerifyURL = %q, %v; want %v", echo, err, tt.want)
			}
		})
	}
}

// signedWithTS is a correctly signed query whose timestamp is ts verbatim.
func signedWithTS(ts string) url.Values {
	return url.Values{"signature": {refSignature(testToken, ts, testNonce)}, "timestamp": {ts},
		"nonce": {testNonce}, "echostr": {"echo-42"}}
}

func TestOpenErrors(t *testing.T) {
	text := xmlMsg("<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hi]]></Content><MsgId>1</MsgId>")
	type req struct {
		q     url.Values
		ctype string
		body  []byte
	}
	plain := func(body string) req { return req{plainQuery(testNow), "text/xml", []byte(body)} }
	aes := func(q url.Values, b []byte) req { return req{q, "text/xml", b} }
	edit := func(r req, k, val string) req { r.q.Set(k, val); return r }
	tests := []struct {
		name string
		r    req
		want error
	}{
		{"plain missing signature", edit(plain(text), "signature", ""), ErrMissingSignature},
		{"plain bad signature", edit(plain(text), "signature", refSignature("other", "1", "2")), ErrBadSignature},
		{"aes missing msg_signature", edit(aes(sealed(t, text, testAppID, "")), "msg_signature", ""), ErrMissingSignature},
		{"aes bad msg_signature", edit(aes(sealed(t, text, testAppID, "")), "msg_signature", refSignature(testToken, "x")), ErrBadSignature},
		{"aes missing plain signature", edit(aes(sealed(t, text, testAppID, "")), "signature", ""), ErrMissingSignature},
		{"expired", req{plainQuery(testNow - 3600), "text/xml", []byte(text)}, ErrExpiredTimestamp},
		{"future", req{plainQuery(testNow + 3600), "text/xml", []byte(text)}, ErrExpiredTimestamp},
		{"AppID mismatch", aes(sealed(t, text, "wxOTHERAPPID00000", "")), ErrBadEncryption},
		{"bad padding", aes(envelope(refEncryptBlocks(t, testKey, bytes.Repeat([]byte{0x41}, 64)))), ErrBadEncryption},
		{"length prefix too large", aes(envelope(refEncryptBlocks(t, testKey, badLengthPlaintext()))), ErrBadEncryption},
		{"not base64", aes(envelope("%%%not-base64%%%")), ErrBadEncryption},
		{"not block aligned", aes(envelope("YWJj")), ErrBadEncryption},
		{"no Encrypt", edit(plain(text), "encrypt_type", "aes"), ErrMalformed},
		{"not xml", plain("hello"), ErrMalformed},
		{"wrong root", plain("<foo><MsgType>text</MsgType></foo>"), ErrMalformed},
		{"bad json", req{plainQuery(testNow), "application/json", []byte(`{"MsgType":`)}, ErrMalformed},
		{"decrypted not xml", aes(sealed(t, "garbage", testAppID, "")), ErrMalformed},
		{"unknown encrypt_type", edit(plain(text), "encrypt_type", "sm4"), ErrMalformed},
		{"no FromUserName", plain("<xml><MsgType>text</MsgType></xml>"), ErrMalformed},
		{"NaN location", plain(xmlMsg("<MsgType>location</MsgType><Location_X>NaN</Location_X>")), ErrMalformed},
		{"bad CreateTime", plain(strings.Replace(text, "1700000000", "soon", 1)), ErrMalformed},
		{"over 1 MiB", plain(xmlMsg("<MsgType>text</MsgType><Content>" + strings.Repeat("a", MaxBodySize) + "</Content>")), ErrMalformed},
	}
	v := mustVerifier(t, compatConfig(), testNow) // both kinds of request reach the decoders
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := v.Open(context.Background(), tt.r.q, tt.r.ctype, tt.r.body)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Open = %+v, %v; want %v", in, err, tt.want)
			}
		})
	}
}

func TestOpenAESWithoutKey(t *testing.T) {
	v := mustVerifier(t, Config{Token: testToken}, testNow)
	q, body := sealed(t, xmlMsg("<MsgType>text</MsgType>"), testAppID, "")
	if _, err := v.Open(context.Background(), q, "text/xml", body); !errors.Is(err, ErrBadEncryption) {
		t.Fatalf("err = %v", err)
	}
}

// envelope is a signed AES request around an arbitrary Encrypt value.
func envelope(enc string) (url.Values, []byte) {
	return aesQuery(enc), []byte("<xml><ToUserName>gh_test</ToUserName><Encrypt>" + enc + "</Encrypt></xml>")
}

// badLengthPlaintext is a well-padded plaintext whose length prefix points
// past its end.
func badLengthPlaintext() []byte {
	pt := append([]byte("0123456789abcdef"), 0, 0, 0x10, 0) // claims 4096 bytes
	pt = append(pt, []byte("<xml/>wx0123456789abcdef")...)
	pad := 32 - len(pt)%32
	return append(pt, bytes.Repeat([]byte{byte(pad)}, pad)...)
}

var messageTypes = []struct {
	name   string
	fields string
	want   bot.Update
}{
	{"text", `<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[停水了]]></Content><MsgId>24500000000000001</MsgId>`,
		bot.Update{Kind: bot.KindText, Text: "停水了", MsgID: "24500000000000001"}},
	{"image", `<MsgType>image</MsgType><PicUrl><![CDATA[http://mmbiz.qpic.cn/x.jpg]]></PicUrl><MediaId><![CDATA[media-img]]></MediaId><MsgId>2</MsgId>`,
		bot.Update{Kind: bot.KindImage, PicURL: "http://mmbiz.qpic.cn/x.jpg", MediaID: "media-img", MsgID: "2"}},
	{"voice", `<MsgType>voice</MsgType><MediaId>media-voice</MediaId><Format>amr</Format><Recognition><![CDATA[水表漏水]]></Recognition><MsgId>3</MsgId>`,
		bot.Update{Kind: bot.KindVoice, MediaID: "media-voice", Text: "水表漏水", MsgID: "3"}},
	{"location", `<MsgType>location</MsgType><Location_X>23.134521</Location_X><Location_Y>113.358803</Location_Y><Scale>20</Scale><Label><![CDATA[广州市天河区]]></Label><MsgId>4</MsgId>`,
		bot.Update{Kind: bot.KindLocation, Lat: 23.134521, Lng: 113.358803, Label: "广州市天河区", MsgID: "4"}},
	{"video", `<MsgType>video</MsgType><MediaId>media-video</MediaId><ThumbMediaId>thumb</ThumbMediaId><MsgId>5</MsgId>`,
		bot.Update{Kind: bot.KindOther, MediaID: "media-video", MsgID: "5"}},
	{"link", `<MsgType>link</MsgType><Title>t</Title><Url>http://x</Url><MsgId>6</MsgId>`,
		bot.Update{Kind: bot.KindOther, MsgID: "6"}},
	{"subscribe via QR", `<MsgType>event</MsgType><Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[qrscene_123]]></EventKey>`,
		bot.Update{Kind: bot.KindEvent, Event: "subscribe", EventKey: "qrscene_123"}},
	{"menu CLICK", `<MsgType>event</MsgType><Event>CLICK</Event><EventKey>MENU_COMPLAIN</EventKey>`,
		bot.Update{Kind: bot.KindEvent, Event: "CLICK", EventKey: "MENU_COMPLAIN"}},
	{"LOCATION event", `<MsgType>event</MsgType><Event>LOCATION</Event><Latitude>23.137466</Latitude><Longitude>113.352425</Longitude><Precision>119.385040</Precision>`,
		bot.Update{Kind: bot.KindEvent, Event: "LOCATION", Lat: 23.137466, Lng: 113.352425}},
}

func TestOpenMessageTypesInAllModes(t *testing.T) {
	v := mustVerifier(t, compatConfig(), testNow)
	for _, mt := range messageTypes {
		plain := xmlMsg(mt.fields)
		want := mt.want
		want.Platform, want.SenderID, want.At = bot.PlatformWeChat, "oResident1", time.Unix(testNow, 0).UTC()
		cases := map[string]func() (url.Values, []byte){
			ModePlain:  func() (url.Values, []byte) { return plainQuery(testNow), []byte(plain) },
			ModeAES:    func() (url.Values, []byte) { return sealed(t, plain, testAppID, "") },
			ModeCompat: func() (url.Values, []byte) { return sealed(t, plain, testAppID, compatDecoy) },
		}
		for mode, build := range cases {
			t.Run(mt.name+"/"+mode, func(t *testing.T) {
				q, body := build()
				in, err := v.Open(context.Background(), q, "text/xml; charset=utf-8", body)
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				if in.Mode != mode || in.Update != want || in.ToUser != "gh_test" || string(in.Raw) != plain {
					t.Fatalf("got mode=%s update=%+v to=%q raw=%q\nwant %+v", in.Mode, in.Update, in.ToUser, in.Raw, want)
				}
			})
		}
	}
}

// compatDecoy is the plaintext copy a compat-mode envelope carries; it
// differs from the encrypted message so the test sees which part was used.
const compatDecoy = "<FromUserName><![CDATA[oDecoy]]></FromUserName><MsgType><![CDATA[text]]></MsgType><Content>decoy</Content>"

func TestOpenJSONSafeMode(t *testing.T) {
	v := mustVerifier(t, testConfig(), testNow)
	plain := `{"ToUserName":"gh_test","FromUserName":"oResident1","CreateTime":1700000000,"MsgType":"location",` +
		`"Location_X":"23.134521","Location_Y":113.358803,"Label":"广州","MsgId":24500000000000001}`
	q, body := sealedJSON(t, plain)
	in, err := v.Open(context.Background(), q, "application/json", body)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	u := in.Update
	if in.Mode != ModeAES || u.Kind != bot.KindLocation || u.Lat != 23.134521 || u.Lng != 113.358803 ||
		u.MsgID != "24500000000000001" || u.Label != "广州" || u.SenderID != "oResident1" {
		t.Fatalf("got %s %+v", in.Mode, u)
	}
}

func TestOpenLongEmojiContent(t *testing.T) {
	text := longText()
	v := mustVerifier(t, testConfig(), testNow)
	q, body := sealed(t, xmlMsg("<MsgType>text</MsgType><Content><![CDATA["+strings.ReplaceAll(text, "]]>", "]]]]><![CDATA[>")+"]]></Content><MsgId>7</MsgId>"), testAppID, "")
	in, err := v.Open(context.Background(), q, "text/xml", body)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if in.Update.Text != text {
		t.Fatalf("text differs: got %d runes", len([]rune(in.Update.Text)))
	}
}

// longText is 5000 characters with emoji (outside the BMP), CJK, and XML
// metacharacters including a CDATA terminator.
func longText() string {
	var b strings.Builder
	for i := 0; b.Len() < 40000; i++ {
		b.WriteString("第" + strconv.Itoa(i) + "户💧🚰水压低 <&> ]]> ")
	}
	return string([]rune(b.String())[:5000])
}
