package wechat

import (
	"context"
	"encoding/xml"
	"errors"
	"strconv"
	"testing"

	"tapline/bot"
)

type parsedReply struct {
	ToUserName, FromUserName, MsgType, Content string
	CreateTime                                 int64
}

type parsedEnvelope struct {
	Encrypt, MsgSignature, TimeStamp, Nonce string
}

func testInbound(mode string) *Inbound {
	return &Inbound{Mode: mode, ToUser: "gh_test", Update: bot.Update{Platform: bot.PlatformWeChat, SenderID: "oResident1"}}
}

// openEnvelope checks an encrypted reply with the reference implementation
// and returns the decrypted reply.
func openEnvelope(t *testing.T, body []byte, wantTS, wantNonce string) parsedReply {
	t.Helper()
	var env parsedEnvelope
	if err := xml.Unmarshal(body, &env); err != nil {
		t.Fatalf("envelope %q: %v", body, err)
	}
	if (wantTS != "" && env.TimeStamp != wantTS) || (wantNonce != "" && env.Nonce != wantNonce) || env.Nonce == "" {
		t.Fatalf("envelope ts=%q nonce=%q", env.TimeStamp, env.Nonce)
	}
	if sig := refSignature(testToken, env.TimeStamp, env.Nonce, env.Encrypt); env.MsgSignature != sig {
		t.Fatalf("MsgSignature %s, want %s", env.MsgSignature, sig)
	}
	_, msg, appID, err := refDecrypt(t, testKey, env.Encrypt)
	if err != nil || appID != testAppID {
		t.Fatalf("decrypt: appid=%q err=%v", appID, err)
	}
	return parseReply(t, msg)
}

func parseReply(t *testing.T, body []byte) parsedReply {
	t.Helper()
	var r parsedReply
	if err := xml.Unmarshal(body, &r); err != nil {
		t.Fatalf("reply %q: %v", body, err)
	}
	return r
}

func TestReply(t *testing.T) {
	text := "您的投诉已受理，工单号 WS-2024-0001 💧"
	tests := []struct {
		name, mode, text, ts, nonce string
		wantSuccess, encrypted      bool
		wantContent                 string
	}{
		{"plain text", ModePlain, text, "1700000000", testNonce, false, false, text},
		{"aes text", ModeAES, text, "1700000000", testNonce, false, true, text},
		{"compat text", ModeCompat, text, "1700000000", testNonce, false, true, text},
		{"aes generated ts and nonce", ModeAES, text, "", "", false, true, text},
		{"control characters dropped", ModePlain, "a\x00b\x1bc\td", "1", "1", false, false, "abc\td"},
		{"plain empty", ModePlain, "", "1700000000", testNonce, true, false, ""},
		{"aes empty", ModeAES, "", "1700000000", testNonce, true, false, ""},
		{"compat empty", ModeCompat, "", "1700000000", testNonce, true, false, ""},
	}
	v := mustVerifier(t, testConfig(), testNow+5)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, ctype, err := v.Reply(testInbound(tt.mode), bot.Reply{Text: tt.text}, tt.ts, tt.nonce)
			if err != nil {
				t.Fatalf("Reply: %v", err)
			}
			if tt.wantSuccess {
				if string(body) != "success" || ctype != ContentTypeText {
					t.Fatalf("got %q %q, want success", body, ctype)
				}
				return
			}
			if ctype != ContentTypeXML {
				t.Fatalf("ctype %q", ctype)
			}
			var r parsedReply
			if tt.encrypted {
				wantTS := tt.ts
				if wantTS == "" {
					wantTS = strconv.FormatInt(testNow+5, 10)
				}
				r = openEnvelope(t, body, wantTS, tt.nonce)
			} else {
				r = parseReply(t, body)
			}
			if r.ToUserName != "oResident1" || r.FromUserName != "gh_test" || r.MsgType != "text" ||
				r.Content != tt.wantContent || r.CreateTime != testNow+5 {
				t.Fatalf("reply %+v", r)
			}
		})
	}
}

func TestReplyErrors(t *testing.T) {
	v := mustVerifier(t, Config{Token: testToken}, testNow)
	if _, _, err := v.Reply(nil, bot.Reply{Text: "x"}, "", ""); err == nil {
		t.Fatal("nil inbound: no error")
	}
	if _, _, err := v.Reply(testInbound(ModeAES), bot.Reply{Text: "x"}, "", ""); !errors.Is(err, ErrBadEncryption) {
		t.Fatalf("aes reply without key: %v", err)
	}
}

// TestLongEmojiRoundTrip opens a 5000-character message in safe mode and
// answers it with the same text; the reference implementation decrypts the
// reply.
func TestLongEmojiRoundTrip(t *testing.T) {
	text := longText()
	v := mustVerifier(t, testConfig(), testNow)
	q, body := sealedJSON(t, `{"ToUserName":"gh_test","FromUserName":"oResident1","CreateTime":1700000000,"MsgType":"text","Content":`+
		strconv.Quote(text)+`,"MsgId":"8"}`)
	in, err := v.Open(context.Background(), q, "application/json", body)
	if err != nil || in.Update.Text != text {
		t.Fatalf("Open: err=%v, text equal=%v", err, in != nil && in.Update.Text == text)
	}
	out, _, err := v.Reply(in, bot.Reply{Text: in.Update.Text}, q.Get("timestamp"), q.Get("nonce"))
	if err != nil {
		t.Fatalf("Reply: %v", err)
	}
	if r := openEnvelope(t, out, q.Get("timestamp"), q.Get("nonce")); r.Content != text {
		t.Fatalf("reply content differs (%d runes)", len([]rune(r.Content)))
	}
}
