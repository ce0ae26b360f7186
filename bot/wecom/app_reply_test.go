package wecom

import (
	"encoding/xml"
	"strconv"
	"strings"
	"testing"

	"tapline/bot"
)

// openAppReply checks the reply envelope's signature with the reference
// implementation and returns the decrypted reply and envelope values.
func openAppReply(t *testing.T, body []byte) (plain []byte, ts, nonce string) {
	t.Helper()
	var env struct {
		Encrypt, MsgSignature, TimeStamp, Nonce string
	}
	if err := xml.Unmarshal(body, &env); err != nil {
		t.Fatalf("reply envelope: %v\n%s", err, body)
	}
	if env.MsgSignature != refSignature(tToken, env.TimeStamp, env.Nonce, env.Encrypt) {
		t.Fatal("reply signature does not verify")
	}
	plain, id := refDecrypt(t, tKey, env.Encrypt)
	if id != tCorpID {
		t.Fatalf("reply receive id %q", id)
	}
	return plain, env.TimeStamp, env.Nonce
}

type appReplyXML struct {
	ToUserName, FromUserName, MsgType, Content string
	CreateTime                                 int64
	ReplaceName                                string `xml:"Button>ReplaceName"`
}

func TestAppReply(t *testing.T) {
	v := newTestApp(t)
	text, _ := v.Open(sealedApp(t, appXML("<MsgType>text</MsgType><Content>hi</Content><MsgId>1</MsgId>")))
	click, _ := v.Open(sealedApp(t, appXML("<MsgType>event</MsgType><Event>template_card_event</Event><EventKey>accept:TS1</EventKey><TaskId>T1</TaskId>")))
	card := &bot.Card{Title: "停水", CaseNumber: "TS1", Status: "已处理：张三 批准"}
	tests := []struct {
		name                 string
		in                   *AppInbound
		r                    bot.Reply
		msgType, content, rn string
	}{
		{"text", text, bot.Reply{Text: "收到\x00，谢谢"}, "text", "收到，谢谢", ""},
		{"card as text", text, bot.Reply{Card: card}, "text", CardText(card), ""},
		{"click with card", click, bot.Reply{Card: card, Text: "ignored"}, "update_button", "", "已处理：张三 批准"},
		{"click with text", click, bot.Reply{Text: "已受理"}, "update_button", "", "已受理"},
		{"click with bare card", click, bot.Reply{Card: &bot.Card{}}, "update_button", "", "已处理"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, err := v.Reply(tt.in, tt.r, "1700000001", "987654")
			if err != nil {
				t.Fatal(err)
			}
			plain, ts, nonce := openAppReply(t, body)
			if ts != "1700000001" || nonce != "987654" {
				t.Fatalf("ts %q nonce %q", ts, nonce)
			}
			var got appReplyXML
			if err := xml.Unmarshal(plain, &got); err != nil {
				t.Fatal(err)
			}
			if got.ToUserName != "zhangsan" || got.FromUserName != tCorpID || got.CreateTime != tNow ||
				got.MsgType != tt.msgType || got.Content != tt.content || got.ReplaceName != tt.rn {
				t.Fatalf("reply %+v\n%s", got, plain)
			}
		})
	}
}

func TestAppReplyEdges(t *testing.T) {
	v := newTestApp(t)
	in, _ := v.Open(sealedApp(t, appXML("<MsgType>text</MsgType><Content>hi</Content><MsgId>1</MsgId>")))
	if body, err := v.Reply(in, bot.Reply{Text: "  "}, "1", "2"); body != nil || err != nil {
		t.Fatalf("empty reply = %q, %v", body, err)
	}
	if _, err := v.Reply(nil, bot.Reply{Text: "x"}, "1", "2"); err == nil {
		t.Fatal("nil inbound accepted")
	}
	body, err := v.Reply(in, bot.Reply{Text: strings.Repeat("水", 1000)}, "", "")
	if err != nil {
		t.Fatal(err)
	}
	plain, ts, nonce := openAppReply(t, body)
	if ts != strconv.FormatInt(tNow, 10) || len(nonce) != 10 {
		t.Fatalf("generated ts %q nonce %q", ts, nonce)
	}
	var got appReplyXML
	_ = xml.Unmarshal(plain, &got)
	if len(got.Content) > maxTextBytes || !strings.HasSuffix(got.Content, "…") {
		t.Fatalf("content of %d bytes not bounded", len(got.Content))
	}
}
