package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"tapline/bot/simclient"
)

// TestSilentResidentIsPhoned: WeChat refuses customer-service messages to
// a resident silent for 48 hours (45015); with no template configured the
// case is flagged and the hotline asked to phone them.
func TestSilentResidentIsPhoned(t *testing.T) {
	var sends atomic.Int32
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/cgi-bin/stable_token":
			fmt.Fprint(w, `{"access_token":"tok-e2e","expires_in":7200}`)
		case "/cgi-bin/message/custom/send":
			sends.Add(1)
			fmt.Fprint(w, `{"errcode":45015,"errmsg":"response out of time limit"}`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer fake.Close()
	env := staffEnv(t)
	env["TAPLINE_WECHAT_APP_SECRET"], env["TAPLINE_WECHAT_API_BASE"] = "e2e-app-secret", fake.URL
	base := startServer(t, env)
	ctx := context.Background()
	wx := &simclient.Client{URL: base + "/webhooks/wechat", Token: e2eToken, AppID: e2eAppID, EncodingAESKey: e2eAESKey, OA: "gh_e2e"}
	openID := "o-e2e-" + randomHex(6)
	if _, err := wx.Send(ctx, simclient.Text(openID, 1, "我叫赵六，电话13700001111，住和平路3号，水表不走了，希望来换表")); err != nil {
		t.Fatal(err)
	}
	r, err := wx.Send(ctx, simclient.Text(openID, 2, "确认"))
	number := regexp.MustCompile(`TS\d{8}-\d{4}`).FindString(r.Text)
	if err != nil || number == "" {
		t.Fatalf("filing: %v %+v", err, r)
	}
	app := &simclient.WeCom{URL: base + "/webhooks/wecom", Token: e2eWeComToken, EncodingAESKey: e2eAESKey, CorpID: e2eCorpID}
	if reply, err := app.Text(ctx, "business.crew", "", "接单 "+number); err != nil || !strings.Contains(reply, "已接单") {
		t.Fatalf("accept: %q %v", reply, err)
	}
	var cv struct {
		Events []struct{ Type, Text string }
	}
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		adminGet(t, base+"/api/v1/cases/"+number, &cv)
		for _, e := range cv.Events {
			if e.Type == "phone_call_needed" && strings.Contains(e.Text, "48小时") {
				if sends.Load() < 1 {
					t.Fatal("flagged without trying WeChat")
				}
				return
			}
		}
	}
	t.Fatalf("no phone-call flag; events %+v, sends %d", cv.Events, sends.Load())
}
