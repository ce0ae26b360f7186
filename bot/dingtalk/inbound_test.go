package dingtalk

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"tapline/bot"
)

// Callback signature vector, computed once outside Go with
//
//	python3 -c 'import hmac,hashlib,base64;ts="1774080994334";s="tapline-test-app-secret-0123456789abcdefghijklmnopqr";print(base64.b64encode(hmac.new(s.encode(),(ts+"\n"+s).encode(),hashlib.sha256).digest()).decode())'
//
// and checked with
//
//	printf '%s\n%s' 1774080994334 tapline-test-app-secret-0123456789abcdefghijklmnopqr | openssl dgst -sha256 -hmac tapline-test-app-secret-0123456789abcdefghijklmnopqr -binary | base64
const (
	appSecret  = "tapline-test-app-secret-0123456789abcdefghijklmnopqr"
	vectorTS   = "1774080994334" // createAt of the PLATFORMS.md §3.2 sample
	vectorSign = "q2SpnN1tgaTM3myaKzfkvPZMMO2StM2S00elYyiHX28="
)

var vectorTime = time.UnixMilli(1774080994334)

// groupBody is the group-chat sample of PLATFORMS.md §3.2 with the elided
// IDs filled in.
const groupBody = `{"msgtype":"text","text":{"content":" 同意 WO001"},"msgId":"msgBjXR5eHx+Qm2Kp0aq9LZ1g==","createAt":1774080994334,
 "conversationType":"2","conversationId":"cidh5dXyZKd1a7+Wn0yY1F1eA==","conversationTitle":"管网一所","senderId":"$:LWCP_v1:$Xq0a1B2c3D4e5F6g7H8i9J==","senderNick":"张三",
 "senderStaffId":"032654216321","senderCorpId":"ding1234567890abcdef","chatbotUserId":"$:LWCP_v1:$Robot0a1B2c3D4e5F6g==","chatbotCorpId":"ding1234567890abcdef","robotCode":"dingxxx",
 "isAdmin":false,"isInAtList":true,"atUsers":[{"dingtalkId":"$:LWCP_v1:$Robot0a1B2c3D4e5F6g==","staffId":""}],
 "sessionWebhook":"https://oapi.dingtalk.com/robot/sendBySession?session=3d3a6f0b2c1e4d5f","sessionWebhookExpiredTime":1774086394522}`

// singleBody is a 1:1 chat message: no title, no @ list, no staff ID.
const singleBody = `{"msgtype":"text","text":{"content":"我的工单\n"},"msgId":"msgS1","createAt":1774080994334,
 "conversationType":"1","conversationId":"cidSingle==","senderId":"$:LWCP_v1:$SenderOnly==","senderNick":"李四",
 "chatbotUserId":"$:LWCP_v1:$Robot==","robotCode":"dingxxx","isAdmin":false,
 "sessionWebhook":"https://oapi.dingtalk.com/robot/sendBySession?session=aaaa","sessionWebhookExpiredTime":1774086394522}`

func signedHeader(ts, sign string) http.Header {
	h := http.Header{}
	if ts != "" {
		h.Set("timestamp", ts)
	}
	if sign != "" {
		h.Set("sign", sign)
	}
	return h
}

func TestCallbackSignVector(t *testing.T) {
	ms, _ := strconv.ParseInt(vectorTS, 10, 64)
	if got := Sign(ms, appSecret); got != vectorSign {
		t.Fatalf("Sign = %s, want %s", got, vectorSign)
	}
	if got := independentSign(ms, appSecret); got != vectorSign {
		t.Fatalf("independent sign = %s, want %s", got, vectorSign)
	}
	v := NewVerifier(appSecret, 0, fixedClock{vectorTime})
	if _, err := v.Open(context.Background(), signedHeader(vectorTS, vectorSign), nil, []byte(groupBody)); err != nil {
		t.Fatalf("Open with the vector: %v", err)
	}
}

func TestOpenHeaders(t *testing.T) {
	tests := []struct {
		name   string
		secret string
		ts     string
		sign   string
		want   error
	}{
		{"ok", appSecret, vectorTS, vectorSign, nil},
		{"no sign", appSecret, vectorTS, "", ErrMissingSignature},
		{"no timestamp", appSecret, "", vectorSign, ErrMissingSignature},
		{"nothing", appSecret, "", "", ErrMissingSignature},
		{"empty secret refuses", "", vectorTS, Sign(1774080994334, ""), ErrBadSignature},
		{"wrong secret", "other", vectorTS, vectorSign, ErrBadSignature},
		{"flipped sign", appSecret, vectorTS, "Q2SpnN1tgaTM3myaKzfkvPZMMO2StM2S00elYyiHX28=", ErrBadSignature},
		{"url-encoded sign", appSecret, vectorTS, "q2SpnN1tgaTM3myaKzfkvPZMMO2StM2S00elYyiHX28%3D", ErrBadSignature},
		{"garbled sign", appSecret, vectorTS, "not base64 !!", ErrBadSignature},
		{"timestamp of another request", appSecret, "1774080994335", vectorSign, ErrBadSignature},
		{"seconds not ms", appSecret, "1774080994", vectorSign, ErrBadSignature},
		{"garbled timestamp", appSecret, "17740809943x4", vectorSign, ErrExpiredTimestamp},
		{"leading zero", appSecret, "01774080994334", vectorSign, ErrExpiredTimestamp},
		{"plus sign", appSecret, "+1774080994334", vectorSign, ErrExpiredTimestamp},
		{"overflow", appSecret, "99999999999999999999", vectorSign, ErrExpiredTimestamp},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := NewVerifier(tt.secret, time.Hour, fixedClock{vectorTime})
			in, err := v.Open(context.Background(), signedHeader(tt.ts, tt.sign), nil, []byte(groupBody))
			if !errors.Is(err, tt.want) || (tt.want == nil) != (in != nil) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestOpenWindow(t *testing.T) {
	tests := []struct {
		name  string
		delta time.Duration // now - timestamp
		ok    bool
	}{
		{"same time", 0, true},
		{"one hour late", time.Hour, true},
		{"one hour and 1 ms late", time.Hour + time.Millisecond, false},
		{"one hour early", -time.Hour, true},
		{"one hour and 1 ms early", -time.Hour - time.Millisecond, false},
		{"a day late", 24 * time.Hour, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := NewVerifier(appSecret, 0, fixedClock{vectorTime.Add(tt.delta)})
			_, err := v.Open(context.Background(), signedHeader(vectorTS, vectorSign), nil, []byte(groupBody))
			if tt.ok && err != nil {
				t.Fatalf("err = %v", err)
			}
			if !tt.ok && !errors.Is(err, ErrExpiredTimestamp) {
				t.Fatalf("err = %v, want ErrExpiredTimestamp", err)
			}
		})
	}
}

// open signs body for the vector time and opens it.
func open(t *testing.T, body string) (*Inbound, error) {
	t.Helper()
	v := NewVerifier(appSecret, 0, fixedClock{vectorTime})
	return v.Open(context.Background(), signedHeader(vectorTS, vectorSign), nil, []byte(body))
}

func TestOpenGroupMessage(t *testing.T) {
	in, err := open(t, groupBody)
	if err != nil {
		t.Fatal(err)
	}
	want := bot.Update{
		Platform: "dingtalk", Kind: bot.KindText, SenderID: "032654216321", ChatID: "cidh5dXyZKd1a7+Wn0yY1F1eA==",
		MsgID: "msgBjXR5eHx+Qm2Kp0aq9LZ1g==", Text: "同意 WO001", At: time.UnixMilli(1774080994334),
		ChatType: "group", Mentioned: true,
		SessionWebhook: "https://oapi.dingtalk.com/robot/sendBySession?session=3d3a6f0b2c1e4d5f",
	}
	if in.Update != want {
		t.Errorf("update\n got %+v\nwant %+v", in.Update, want)
	}
	if in.SessionWebhook != want.SessionWebhook || !in.SessionExpires.Equal(time.UnixMilli(1774086394522)) {
		t.Errorf("session %q until %v", in.SessionWebhook, in.SessionExpires)
	}
	if string(in.Raw) != groupBody {
		t.Error("Raw is not the body")
	}
}

func TestOpenSingleMessage(t *testing.T) {
	in, err := open(t, singleBody)
	if err != nil {
		t.Fatal(err)
	}
	u := in.Update
	if u.ChatType != "single" || u.Mentioned || u.SenderID != "$:LWCP_v1:$SenderOnly==" ||
		u.ChatID != "cidSingle==" || u.Text != "我的工单" || u.Kind != bot.KindText {
		t.Errorf("update %+v", u)
	}
}

func TestOpenContent(t *testing.T) {
	tests := []struct {
		name                string
		fields              string
		kind, text, mediaID string
	}{
		{"mention stripped", `"msgtype":"text","text":{"content":"@水务助手 批准 TS20261127-0042"}`, "text", "批准 TS20261127-0042", ""},
		{"mention with U+2005", `"msgtype":"text","text":{"content":" @水务助手\u2005批准 TS1 "}`, "text", "批准 TS1", ""},
		{"lone mention", `"msgtype":"text","text":{"content":"@水务助手"}`, "text", "", ""},
		{"no mention", `"msgtype":"text","text":{"content":"  接单 TS1\n"}`, "text", "接单 TS1", ""},
		{"picture", `"msgtype":"picture","content":{"pictureDownloadCode":"pdc","downloadCode":"dc1"}`, "image", "", "dc1"},
		{"picture code only", `"msgtype":"picture","content":{"pictureDownloadCode":"pdc"}`, "image", "", "pdc"},
		{"audio", `"msgtype":"audio","content":{"downloadCode":"ac","duration":"4000","recognition":"接单 TS1"}`, "voice", "接单 TS1", "ac"},
		{"rich text", `"msgtype":"richText","content":{"richText":[{"text":"现场 "},{"type":"picture","downloadCode":"rc","pictureDownloadCode":"rp"},{"text":"已处理"}]}`, "text", "现场 已处理", "rc"},
		{"rich pictures only", `"msgtype":"richText","content":{"richText":[{"type":"picture","pictureDownloadCode":"rp"}]}`, "image", "", "rp"},
		{"rich empty", `"msgtype":"richText","content":{"richText":[]}`, "other", "", ""},
		{"file", `"msgtype":"file","content":{"downloadCode":"f","fileName":"a.pdf"}`, "other", "", ""},
		{"video odd content", `"msgtype":"video","content":"x"`, "other", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := `{` + tt.fields + `,"msgId":"m1","conversationId":"cid1","conversationType":"2","senderStaffId":"s1"}`
			in, err := open(t, body)
			if err != nil {
				t.Fatal(err)
			}
			u := in.Update
			if u.Kind != tt.kind || u.Text != tt.text || u.MediaID != tt.mediaID {
				t.Errorf("kind %q text %q media %q, want %q %q %q", u.Kind, u.Text, u.MediaID, tt.kind, tt.text, tt.mediaID)
			}
			if !u.At.Equal(vectorTime) || !in.SessionExpires.IsZero() {
				t.Errorf("At %v (want clock time), expires %v", u.At, in.SessionExpires)
			}
		})
	}
}

func TestOpenMalformed(t *testing.T) {
	tests := []struct{ name, body string }{
		{"empty", ``},
		{"not json", `<xml/>`},
		{"truncated", groupBody[:40]},
		{"array", `[1,2]`},
		{"wrong type", `{"msgtype":"text","text":{"content":1},"msgId":"m","conversationId":"c","senderId":"s"}`},
		{"no msgtype", `{"text":{"content":"x"},"msgId":"m","conversationId":"c","senderId":"s"}`},
		{"no msgId", `{"msgtype":"text","text":{"content":"x"},"conversationId":"c","senderId":"s"}`},
		{"no conversation", `{"msgtype":"text","text":{"content":"x"},"msgId":"m","senderId":"s"}`},
		{"no sender", `{"msgtype":"text","text":{"content":"x"},"msgId":"m","conversationId":"c"}`},
		{"text without text", `{"msgtype":"text","msgId":"m","conversationId":"c","senderId":"s"}`},
		{"bad picture content", `{"msgtype":"picture","content":[1],"msgId":"m","conversationId":"c","senderId":"s"}`},
		{"too big", `{"msgtype":"text","text":{"content":"` + strings.Repeat("x", MaxBodySize) + `"},"msgId":"m","conversationId":"c","senderId":"s"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := open(t, tt.body); !errors.Is(err, ErrMalformed) {
				t.Fatalf("err = %v, want ErrMalformed", err)
			}
		})
	}
}

func TestOpenDedupeKey(t *testing.T) {
	a, err := open(t, groupBody)
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewVerifier(appSecret, 0, fixedClock{vectorTime.Add(time.Minute)}).
		Open(context.Background(), signedHeader(vectorTS, vectorSign), nil, []byte(groupBody))
	if err != nil {
		t.Fatal(err)
	}
	if a.Update.DedupeKey() != b.Update.DedupeKey() || a.Update.DedupeKey() != "dingtalk:032654216321:msgBjXR5eHx+Qm2Kp0aq9LZ1g==" {
		t.Errorf("dedupe keys %q %q", a.Update.DedupeKey(), b.Update.DedupeKey())
	}
}
