package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"tapline/bot/dingtalk/dingtalktest"
	"tapline/bot/dingtalk/stream"
	"tapline/bot/simclient"
)

// The real server in DingTalk Stream mode (issue 17) against the fake
// gateway, on the backend under test: the worker connects, /readyz reports
// the connection, a card button click from the stream accepts the case as
// the WeCom card does, the same button pressed by another person moves
// nothing, and a robot message is answered through its session webhook.
func TestDingTalkStreamMode(t *testing.T) {
	g := dingtalktest.New(t, e2eDingKey, e2eDingSecret)
	env := staffEnv(t)
	env["TAPLINE_DINGTALK_MODE"], env["TAPLINE_DINGTALK_OPENAPI_BASE"] = "stream", g.URL()
	env["TAPLINE_DINGTALK_CARD_TEMPLATE_ID"] = "tpl-e2e.schema"
	base := startServer(t, env)
	waitReady(t, base)
	wx := &simclient.Client{URL: base + "/webhooks/wechat", Token: e2eToken, AppID: e2eAppID, EncodingAESKey: e2eAESKey, OA: "gh_e2e"}
	openID := "o-e2e-" + randomHex(6)
	var number string
	for i, text := range []string{"我叫李梅，电话13912345678，住光明路8号2栋，最近晚上水压特别小，希望尽快解决", "确认"} {
		r, err := wx.Send(context.Background(), simclient.Text(openID, int64(i+1), text))
		if err != nil || r.Status != 200 {
			t.Fatalf("resident: %v %+v", err, r)
		}
		number = regexp.MustCompile(`TS\d{8}-\d{4}`).FindString(r.Text)
	}
	if number == "" {
		t.Fatal("no case filed")
	}
	group, card := "dtv1.card//IM_GROUP.cid-e2e", "tl-e2e-"+randomHex(6) // Redis outlives a run on the real services
	if reply := clickReply(t, g, dingtalktest.ClickBody(card, "supply.crew", group, "accept:"+number)); !strings.Contains(reply, "已接单") {
		t.Fatalf("crew's click: %q", reply)
	}
	if reply := clickReply(t, g, dingtalktest.ClickBody(card, "supply.head", group, "accept:"+number)); !strings.Contains(reply, "已处理") {
		t.Fatalf("second click: %q", reply)
	}
	now := time.Now().UnixMilli()
	msg, _ := json.Marshal(map[string]any{"msgtype": "text", "text": map[string]string{"content": " 进展 " + number + " 已到现场"},
		"msgId": fmt.Sprintf("msgE2E%d", now), "createAt": now, "conversationType": "2", "conversationId": "cid-e2e",
		"senderStaffId": "supply.crew", "isInAtList": true, "sessionWebhookExpiredTime": now + 5400000,
		"sessionWebhook": "https://oapi.dingtalk.com/robot/sendBySession?session=e2e"})
	id := g.Push(stream.TopicRobot, msg)
	waitFor(t, "robot frame ACK", 10*time.Second, func() bool { return len(g.Acks(id)) == 1 })
	var page struct {
		Outbox []struct {
			Channel string `json:"channel"`
		} `json:"outbox"`
	}
	adminGet(t, base+"/api/v1/outbox?limit=100", &page)
	replies := 0
	for _, r := range page.Outbox {
		if r.Channel == "dingtalk_session" {
			replies++
		}
	}
	if replies != 1 {
		t.Fatalf("%d session replies: %+v", replies, page)
	}
}

// waitReady waits until /readyz reports every check, dingtalk_stream too.
func waitReady(t *testing.T, base string) {
	t.Helper()
	waitFor(t, "dingtalk_stream ready", 15*time.Second, func() bool {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		var r struct {
			Checks map[string]string `json:"checks"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&r)
		return resp.StatusCode == 200 && r.Checks["dingtalk_stream"] == "ok"
	})
}

// clickReply pushes a card callback frame and returns the reply its ACK
// shows the clicking person.
func clickReply(t *testing.T, g *dingtalktest.Gateway, body []byte) string {
	t.Helper()
	id := g.Push(stream.TopicCard, body)
	waitFor(t, "card frame ACK", 10*time.Second, func() bool { return len(g.Acks(id)) == 1 })
	var ack struct {
		Response struct {
			UserPrivateData struct {
				CardParamMap map[string]string `json:"cardParamMap"`
			} `json:"userPrivateData"`
		} `json:"response"`
	}
	if err := json.Unmarshal([]byte(g.Acks(id)[0].Data), &ack); err != nil {
		t.Fatal(err)
	}
	return ack.Response.UserPrivateData.CardParamMap["reply"]
}

func waitFor(t *testing.T, what string, d time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
