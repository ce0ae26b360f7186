package handlers

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"tapline/bot"
	"tapline/bot/dingtalk"
	"tapline/bot/simclient"
	"tapline/models"
)

// wecomPost encrypts plain for receiveID the way WeCom does (the same
// AES scheme as WeChat's, implemented independently in wxclient) and posts
// it with a valid msg_signature unless sig is given.
func wecomPost(t *testing.T, url, receiveID string, plain []byte, asJSON bool, sig string) (int, []byte) {
	t.Helper()
	enc, err := simclient.Encrypt(testAESKey, receiveID, plain)
	if err != nil {
		t.Fatal(err)
	}
	ts, nonce := strconv.FormatInt(time.Now().Unix(), 10), "n42"
	if sig == "" {
		sig = simclient.Sign(testToken, ts, nonce, enc)
	}
	body := fmt.Sprintf("<xml><ToUserName><![CDATA[%s]]></ToUserName><AgentID>1000002</AgentID><Encrypt><![CDATA[%s]]></Encrypt></xml>", testCorpID, enc)
	if asJSON {
		body = fmt.Sprintf(`{"encrypt":%q}`, enc)
	}
	q := "?msg_signature=" + sig + "&timestamp=" + ts + "&nonce=" + nonce
	resp, err := http.Post(url+q, "text/plain", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

func TestWeComAppMessage(t *testing.T) {
	e := newEnv(t, 4*time.Second)
	msg := []byte(`<xml><ToUserName><![CDATA[` + testCorpID + `]]></ToUserName><FromUserName><![CDATA[supply.crew]]></FromUserName><CreateTime>` +
		strconv.FormatInt(time.Now().Unix(), 10) + `</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[接单]]></Content><MsgId>77</MsgId><AgentID>1000002</AgentID></xml>`)
	for range 2 { // the second is a retry: same MsgId
		code, out := wecomPost(t, e.srv.URL+"/webhooks/wecom", testCorpID, msg, false, "")
		if code != 200 {
			t.Fatalf("status %d %s", code, out)
		}
	}
	if e.staff.calls.Load() != 1 {
		t.Fatalf("staff step ran %d times", e.staff.calls.Load())
	}
	if u := e.staff.last.Load().(bot.Update); u.Platform != bot.PlatformWeCom || u.SenderID != "supply.crew" || u.Text != "接单" {
		t.Fatalf("update %+v", u)
	}
	if code, _ := wecomPost(t, e.srv.URL+"/webhooks/wecom", testCorpID, msg, false, strings.Repeat("0", 40)); code != 403 {
		t.Fatalf("forged signature: %d", code)
	}
	if code, _ := wecomPost(t, e.srv.URL+"/webhooks/wecom", "wrongcorp", msg, false, ""); code != 400 {
		t.Fatalf("wrong receive id: %d", code)
	}
}

func TestWeComAppReplyDecrypts(t *testing.T) {
	e := newEnv(t, 4*time.Second)
	msg := []byte(`<xml><ToUserName><![CDATA[` + testCorpID + `]]></ToUserName><FromUserName><![CDATA[quality.head]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[待办]]></Content><MsgId>78</MsgId></xml>`)
	code, out := wecomPost(t, e.srv.URL+"/webhooks/wecom", testCorpID, msg, false, "")
	var env struct{ Encrypt, MsgSignature, TimeStamp, Nonce string }
	if err := xml.Unmarshal(out, &env); code != 200 || err != nil {
		t.Fatalf("%d %s %v", code, out, err)
	}
	if simclient.Sign(testToken, env.TimeStamp, env.Nonce, env.Encrypt) != env.MsgSignature {
		t.Fatal("reply signature does not verify")
	}
	plain, err := simclient.Decrypt(testAESKey, testCorpID, env.Encrypt)
	if err != nil || !bytes.Contains(plain, []byte("已接单：待办")) {
		t.Fatalf("reply %s %v", plain, err)
	}
}

func TestWeComBotMessage(t *testing.T) {
	e := newEnv(t, 4*time.Second)
	msg, _ := json.Marshal(map[string]any{"msgid": "m-1", "aibotid": "bot1", "chatid": "grp1", "chattype": "group",
		"from": map[string]string{"userid": "construction.head"}, "msgtype": "text",
		"text": map[string]string{"content": "@水务助手 确认 TS20261127-0001"}})
	code, out := wecomPost(t, e.srv.URL+"/webhooks/wecom-bot", "", msg, true, "")
	if code != 200 {
		t.Fatalf("%d %s", code, out)
	}
	var env struct {
		Encrypt, Nonce string
		Timestamp      int64
		MsgSignature   string `json:"msgsignature"`
	}
	if err := json.Unmarshal(out, &env); err != nil || env.Encrypt == "" {
		t.Fatalf("reply %s %v", out, err)
	}
	if simclient.Sign(testToken, strconv.FormatInt(env.Timestamp, 10), env.Nonce, env.Encrypt) != env.MsgSignature {
		t.Fatal("reply signature does not verify")
	}
	plain, err := simclient.Decrypt(testAESKey, "", env.Encrypt)
	if err != nil || !bytes.Contains(plain, []byte("已接单")) {
		t.Fatalf("reply %s %v", plain, err)
	}
	if u := e.staff.last.Load().(bot.Update); u.Platform != bot.PlatformWeComBot || u.SenderID != "construction.head" || !strings.HasPrefix(u.Text, "确认") {
		t.Fatalf("update %+v", u)
	}
}

func dingPost(t *testing.T, e *env, ts int64, sign string, body []byte) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/webhooks/dingtalk", bytes.NewReader(body))
	tss := strconv.FormatInt(ts, 10)
	if sign == "" {
		sign = dingtalk.Sign(ts, testDingSecret)
	}
	req.Header.Set("timestamp", tss)
	req.Header.Set("sign", sign)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestDingTalkRepliesThroughTheOutbox(t *testing.T) {
	e := newEnv(t, 4*time.Second)
	now := time.Now().UnixMilli()
	hook := "https://oapi.dingtalk.com/robot/sendBySession?session=abc"
	body, _ := json.Marshal(map[string]any{"msgtype": "text", "text": map[string]string{"content": " 批准 TS20261127-0001"},
		"msgId": "msgX1", "createAt": now, "conversationType": "2", "conversationId": "cid1", "senderStaffId": "leader.b",
		"senderId": "$:x", "isInAtList": true, "sessionWebhook": hook, "sessionWebhookExpiredTime": now + 5400000})
	if code := dingPost(t, e, now, "", body); code != 200 {
		t.Fatalf("status %d", code)
	}
	rows, total, err := e.db.ListOutbox(t.Context(), models.OutboxFilter{})
	if err != nil || total != 1 || rows[0].Channel != models.ChannelDingTalkSession || rows[0].Target != hook {
		t.Fatalf("outbox %v %d %v", rows, total, err)
	}
	for _, tt := range []struct {
		name string
		ts   int64
		sign string
	}{{"forged", now, "AAAA"}, {"stale", now - 2*3600*1000, ""}} {
		if code := dingPost(t, e, tt.ts, tt.sign, body); code != 403 {
			t.Errorf("%s: %d", tt.name, code)
		}
	}
	if code := dingPost(t, e, now, "", []byte("{not json")); code != 400 {
		t.Errorf("malformed: %d", code)
	}
	if e.staff.calls.Load() != 1 {
		t.Fatalf("staff ran %d times", e.staff.calls.Load())
	}
}
