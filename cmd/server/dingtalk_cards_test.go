package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"tapline/bot/dingtalk/dingtalktest"
	"tapline/bot/simclient"
)

// The real server with DingTalk interactive cards in HTTP mode: at
// start-up it registers its card callback URL (with the token) on the
// fake card platform, and a click posted there accepts the case; without
// the token nothing happens.
func TestDingTalkCardCallbackHTTP(t *testing.T) {
	const token = "e2e-card-callback-token"
	g := dingtalktest.New(t, e2eDingKey, e2eDingSecret)
	env := staffEnv(t)
	env["TAPLINE_DINGTALK_OPENAPI_BASE"], env["TAPLINE_DINGTALK_CARD_TEMPLATE_ID"] = g.URL(), "tpl-e2e.schema"
	env["TAPLINE_DINGTALK_CARD_CALLBACK_TOKEN"], env["TAPLINE_PUBLIC_URL"] = token, "https://desk.example"
	base := startServer(t, env)
	want := "https://desk.example/webhooks/dingtalk/card?token=" + token
	// The worker wires the senders, and registers, once it starts.
	waitFor(t, "callback registration", 10*time.Second, func() bool { return g.Callback("tapline") == want })
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
	body := dingtalktest.ClickBody("tl-http-"+randomHex(6), "supply.crew", "dtv1.card//IM_GROUP.cid-e2e", "accept:"+number)
	post := func(tok string) (int, string) {
		resp, err := http.Post(base+"/webhooks/dingtalk/card?token="+tok, "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var ans struct {
			UserPrivateData struct {
				CardParamMap map[string]string `json:"cardParamMap"`
			} `json:"userPrivateData"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&ans)
		return resp.StatusCode, ans.UserPrivateData.CardParamMap["reply"]
	}
	if code, _ := post("wrong"); code != http.StatusForbidden {
		t.Fatalf("wrong token: %d", code)
	}
	if code, reply := post(token); code != http.StatusOK || !strings.Contains(reply, "已接单") {
		t.Fatalf("click: %d %q", code, reply)
	}
}
