package wecom

import (
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"tapline/bot"
)

func newTestBot(t testing.TB) *BotVerifier {
	t.Helper()
	v, err := NewBotVerifier(BotConfig{Token: tToken, EncodingAESKey: tKey}, clockAt(tNow))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// sealedBot encrypts a smart-bot JSON callback (receive id "") with the
// reference implementation.
func sealedBot(t testing.TB, plain string) (url.Values, []byte) {
	t.Helper()
	enc := refEncrypt(t, tKey, tRandom, []byte(plain), "")
	body, _ := json.Marshal(map[string]string{"encrypt": enc})
	return signedQuery(enc, tNow), body
}

const (
	botText = `{"msgid":"CAIQ16HMjQYY","aibotid":"AIBOTID","chatid":"wrkSFfCgAAxx","chattype":"group",
		"from":{"userid":"zhangsan"},"response_url":"https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=RC",
		"msgtype":"text","text":{"content":"@水务助手 同意 TS20240501-0007"}}`
	botClick = `{"msgid":"CLICK1","create_time":1700000000,"aibotid":"AIBOTID","chatid":"wrkSFfCgAAxx","chattype":"group",
		"from":{"corpid":"wpxxxx","userid":"lisi"},"msgtype":"event","event":{"eventtype":"template_card_event",
		"template_card_event":{"card_type":"button_interaction","event_key":"accept:TS20240501-0007","task_id":"TS20240501-0007_k1"}}}`
)

func TestBotOpenErrors(t *testing.T) {
	good := refEncrypt(t, tKey, tRandom, []byte(botText), "")
	body := func(enc string) []byte { b, _ := json.Marshal(map[string]string{"encrypt": enc}); return b }
	tests := []struct {
		name string
		q    url.Values
		body []byte
		want error
	}{
		{"missing signature", url.Values{"timestamp": {"1700000000"}, "nonce": {tNonce}}, body(good), ErrMissingSignature},
		{"wrong signature", func() url.Values { q := signedQuery(good, tNow); q.Set("msg_signature", "abc"); return q }(), body(good), ErrBadSignature},
		{"too old", signedQuery(good, tNow-301), body(good), ErrExpiredTimestamp},
		{"too new", signedQuery(good, tNow+301), body(good), ErrExpiredTimestamp},
		{"corp receive id", signedQuery(refEncrypt(t, tKey, tRandom, []byte(botText), tCorpID), tNow),
			body(refEncrypt(t, tKey, tRandom, []byte(botText), tCorpID)), ErrBadEncryption},
		{"other key", signedQuery(refEncrypt(t, otherKey, tRandom, []byte(botText), ""), tNow),
			body(refEncrypt(t, otherKey, tRandom, []byte(botText), "")), ErrBadEncryption},
		{"not json", signedQuery(good, tNow), []byte("<xml/>"), ErrMalformed},
		{"no encrypt", signedQuery(good, tNow), []byte(`{"encrypt":""}`), ErrMalformed},
		{"decrypted not json", signedQuery(refEncrypt(t, tKey, tRandom, []byte("<xml/>"), ""), tNow),
			body(refEncrypt(t, tKey, tRandom, []byte("<xml/>"), "")), ErrMalformed},
		{"no msgid", signedQuery(refEncrypt(t, tKey, tRandom, []byte(`{"msgtype":"text","from":{"userid":"a"}}`), ""), tNow),
			body(refEncrypt(t, tKey, tRandom, []byte(`{"msgtype":"text","from":{"userid":"a"}}`), "")), ErrMalformed},
	}
	v := newTestBot(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if in, err := v.Open(tt.q, tt.body); !errors.Is(err, tt.want) || in != nil {
				t.Fatalf("Open = %v, %v; want %v", in, err, tt.want)
			}
		})
	}
	for _, ts := range []int64{tNow - 300, tNow + 300} {
		if _, err := v.Open(signedQuery(good, ts), body(good)); err != nil {
			t.Errorf("edge %+d: %v", ts-tNow, err)
		}
	}
}

func TestBotVerifyURL(t *testing.T) {
	v := newTestBot(t)
	echo := refEncrypt(t, tKey, tRandom, []byte("echo-1234"), "")
	q := signedQuery(echo, tNow)
	q.Set("echostr", echo)
	if got, err := v.VerifyURL(q); err != nil || got != "echo-1234" {
		t.Fatalf("VerifyURL = %q, %v", got, err)
	}
	q.Set("msg_signature", refSignature(tToken, "1700000000", "other", echo))
	if _, err := v.VerifyURL(q); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("bad signature: %v", err)
	}
}

func TestBotDecode(t *testing.T) {
	now := time.Unix(tNow, 0).UTC()
	tests := []struct {
		name, json string
		want       bot.Update
		eventType  string
	}{
		{"group text", botText, bot.Update{Kind: "text", Text: "同意 TS20240501-0007", MsgID: "CAIQ16HMjQYY",
			SenderID: "zhangsan", ChatID: "wrkSFfCgAAxx", ChatType: "group", Mentioned: true}, ""},
		{"single text keeps @", `{"msgid":"m2","chattype":"single","from":{"userid":"wangwu"},"msgtype":"text","text":{"content":" @me 你好 "}}`,
			bot.Update{Kind: "text", Text: "@me 你好", MsgID: "m2", SenderID: "wangwu", ChatType: "single"}, ""},
		{"mixed", `{"msgid":"m3","chatid":"c1","chattype":"group","from":{"userid":"a"},"msgtype":"mixed","mixed":{"msg_item":[
			{"msgtype":"text","text":{"content":"@机器人 现场照片"}},{"msgtype":"image","image":{"url":"https://x/1"}}]}}`,
			bot.Update{Kind: "text", Text: "现场照片", MsgID: "m3", SenderID: "a", ChatID: "c1", ChatType: "group", Mentioned: true}, ""},
		{"voice", `{"msgid":"m4","chattype":"single","from":{"userid":"a"},"msgtype":"voice","voice":{"content":"同意"}}`,
			bot.Update{Kind: "voice", Text: "同意", MsgID: "m4", SenderID: "a", ChatType: "single"}, ""},
		{"image", `{"msgid":"m5","chattype":"single","from":{"userid":"a"},"msgtype":"image","image":{"url":"https://x/2"}}`,
			bot.Update{Kind: "image", PicURL: "https://x/2", MsgID: "m5", SenderID: "a", ChatType: "single"}, ""},
		{"file", `{"msgid":"m6","chattype":"single","from":{"userid":"a"},"msgtype":"file","file":{"url":"https://x/3"}}`,
			bot.Update{Kind: "other", MsgID: "m6", SenderID: "a", ChatType: "single"}, ""},
		{"card click", botClick, bot.Update{Kind: "event", Event: EventCardClick, EventKey: "accept:TS20240501-0007",
			TaskID: "TS20240501-0007_k1", MsgID: "CLICK1", SenderID: "lisi", ChatID: "wrkSFfCgAAxx", ChatType: "group", Mentioned: true}, "template_card_event"},
		{"enter_chat", `{"msgid":"e2","create_time":1700000000,"chattype":"single","from":{"userid":"a"},"msgtype":"event","event":{"eventtype":"enter_chat"}}`,
			bot.Update{Kind: "event", Event: "enter_chat", MsgID: "e2", SenderID: "a", ChatType: "single"}, "enter_chat"},
		{"stream refresh", `{"msgid":"s1","chattype":"single","from":{"userid":"a"},"msgtype":"stream","stream":{"id":"S"}}`,
			bot.Update{Kind: "event", Event: "stream", MsgID: "s1", SenderID: "a", ChatType: "single"}, ""},
	}
	v := newTestBot(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := v.Open(sealedBot(t, tt.json))
			if err != nil {
				t.Fatal(err)
			}
			want := tt.want
			want.Platform, want.At = "wecom_bot", now
			if in.Update != want {
				t.Fatalf("update\n got %+v\nwant %+v", in.Update, want)
			}
			if in.EventType != tt.eventType {
				t.Fatalf("event type %q", in.EventType)
			}
		})
	}
	in, _ := v.Open(sealedBot(t, botText))
	if in.AIBotID != "AIBOTID" || !strings.HasPrefix(in.ResponseURL, "https://") || in.MsgType != "text" {
		t.Fatalf("inbound %+v", in)
	}
}

// openBotReply verifies the reply envelope with the reference code and
// decodes its plaintext into out.
func openBotReply(t *testing.T, body []byte, out any) (ts int64, nonce string) {
	t.Helper()
	var env struct {
		Encrypt      string `json:"encrypt"`
		MsgSignature string `json:"msgsignature"`
		Timestamp    int64  `json:"timestamp"`
		Nonce        string `json:"nonce"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		t.Fatalf("envelope %v: %s", err, body)
	}
	if env.MsgSignature != refSignature(tToken, itoa64(env.Timestamp), env.Nonce, env.Encrypt) {
		t.Fatal("reply signature does not verify")
	}
	plain, id := refDecrypt(t, tKey, env.Encrypt)
	if id != "" {
		t.Fatalf("receive id %q", id)
	}
	if err := json.Unmarshal(plain, out); err != nil {
		t.Fatalf("plaintext %v: %s", err, plain)
	}
	return env.Timestamp, env.Nonce
}

func itoa64(n int64) string { b, _ := json.Marshal(n); return string(b) }

type botReplyJSON struct {
	MsgType      string `json:"msgtype"`
	ResponseType string `json:"response_type"`
	UserIDs      []string
	Text         *struct{ Content string }
	Stream       *struct {
		ID      string
		Finish  bool
		Content string
	}
	TemplateCard *templateCard `json:"template_card"`
}

func TestBotReply(t *testing.T) {
	v := newTestBot(t)
	msg, _ := v.Open(sealedBot(t, botText))
	click, _ := v.Open(sealedBot(t, botClick))
	enter, _ := v.Open(sealedBot(t, `{"msgid":"e2","chattype":"single","from":{"userid":"a"},"msgtype":"event","event":{"eventtype":"enter_chat"}}`))
	done := &bot.Card{Title: "停水投诉", CaseNumber: "TS20240501-0007", Status: "已处理：张三 批准"}
	withButtons := &bot.Card{Title: "停水投诉", CaseNumber: "TS20240501-0007", Buttons: []bot.Button{{Key: "accept:TS20240501-0007", Text: "受理", Style: 1}, {Key: "reject:TS20240501-0007", Text: "退回", Style: 3}}}

	var r botReplyJSON
	ts, nonce := openBotReply(t, mustBotReply(t, v, click, bot.Reply{Card: done}), &r)
	if ts != tNow || nonce != tNonce || r.ResponseType != "update_template_card" || r.TemplateCard == nil {
		t.Fatalf("click reply %+v", r)
	}
	tc := r.TemplateCard
	if tc.TaskID != "TS20240501-0007_k1" || tc.CardType != "button_interaction" || len(tc.ButtonList) != 1 ||
		tc.ButtonList[0].Key != noopButtonKey || tc.ButtonList[0].Text != "已处理：张三 批准" || tc.Source.Desc != "已处理：张三 批准" {
		t.Fatalf("updated card %+v", tc)
	}

	r = botReplyJSON{}
	openBotReply(t, mustBotReply(t, v, click, bot.Reply{Card: withButtons}), &r)
	if got := r.TemplateCard; got.TaskID != "TS20240501-0007_k1" || len(got.ButtonList) != 2 || got.ButtonList[1].Style != 3 {
		t.Fatalf("card with buttons %+v", got)
	}

	r = botReplyJSON{}
	openBotReply(t, mustBotReply(t, v, msg, bot.Reply{Text: "已受理 **TS20240501-0007**"}), &r)
	if r.MsgType != "stream" || r.Stream == nil || !r.Stream.Finish || r.Stream.Content != "已受理 **TS20240501-0007**" || r.Stream.ID == "" {
		t.Fatalf("text reply %+v", r)
	}

	r = botReplyJSON{}
	openBotReply(t, mustBotReply(t, v, msg, bot.Reply{Card: withButtons}), &r)
	if r.MsgType != "template_card" || !strings.HasPrefix(r.TemplateCard.TaskID, "TS20240501-0007_") || len(r.TemplateCard.ButtonList) != 2 {
		t.Fatalf("card reply %+v", r)
	}

	r = botReplyJSON{}
	openBotReply(t, mustBotReply(t, v, enter, bot.Reply{Text: "您好"}), &r)
	if r.MsgType != "text" || r.Text == nil || r.Text.Content != "您好" {
		t.Fatalf("welcome %+v", r)
	}
}

func mustBotReply(t *testing.T, v *BotVerifier, in *BotInbound, r bot.Reply) []byte {
	t.Helper()
	body, err := v.Reply(in, r, "1700000000", tNonce)
	if err != nil || body == nil {
		t.Fatalf("Reply = %q, %v", body, err)
	}
	return body
}

func TestBotReplyEmpty(t *testing.T) {
	v := newTestBot(t)
	msg, _ := v.Open(sealedBot(t, botText))
	feedback, _ := v.Open(sealedBot(t, `{"msgid":"f1","chattype":"group","chatid":"c","from":{"userid":"a"},"msgtype":"event","event":{"eventtype":"feedback_event"}}`))
	for name, tt := range map[string]struct {
		in *BotInbound
		r  bot.Reply
	}{"nothing": {msg, bot.Reply{}}, "feedback": {feedback, bot.Reply{Text: "谢谢"}}} {
		if body, err := v.Reply(tt.in, tt.r, "1", "2"); body != nil || err != nil {
			t.Errorf("%s: %q, %v", name, body, err)
		}
	}
	if _, err := v.Reply(msg, bot.Reply{Card: &bot.Card{TaskID: "bad id!", Buttons: []bot.Button{{Key: "k", Text: "t"}}}}, "1", "2"); !errors.Is(err, bot.ErrPermanent) {
		t.Errorf("bad task id: %v", err)
	}
}
