package handlers

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"tapline/bot"
	"tapline/bot/dingtalk"
	"tapline/bot/dingtalk/dingtalktest"
)

const testCardToken = "card-callback-token-0123"

// cardPost posts a card callback with token and returns status and body.
func cardPost(t *testing.T, e *env, token string, body []byte) (int, []byte) {
	t.Helper()
	resp, err := http.Post(e.srv.URL+"/webhooks/dingtalk/card?token="+token, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func newCardEnv(t *testing.T) *env {
	return newEnvWith(t, envOpts{budget: 4 * time.Second, deps: func(d *Deps) {
		d.DingTalk = dingtalk.NewVerifier(testDingSecret, 0, nil, dingtalk.WithCardCallbackToken(testCardToken))
	}})
}

// A card button click runs the casework step once as a card_click with the
// button's key, the answer shows the clicker the reply; the same click
// again (DingTalk retrying, or a second tap) runs nothing.
func TestDingTalkCardClick(t *testing.T) {
	e := newCardEnv(t)
	body := dingtalktest.ClickBody("tl01", "supply.crew", "dtv1.card//IM_GROUP.cid1", "accept:TS20261127-0001")
	code, out := cardPost(t, e, testCardToken, body)
	if code != http.StatusOK {
		t.Fatalf("click: %d %s", code, out)
	}
	var ans struct {
		Options map[string]bool `json:"cardUpdateOptions"`
		Private struct {
			Params map[string]string `json:"cardParamMap"`
		} `json:"userPrivateData"`
	}
	if err := json.Unmarshal(out, &ans); err != nil || !ans.Options["updatePrivateDataByKey"] ||
		ans.Private.Params[dingtalk.ParamReply] != "已接单：" {
		t.Fatalf("answer %s (%v)", out, err)
	}
	u := e.staff.last.Load().(bot.Update)
	if u.Event != "card_click" || u.EventKey != "accept:TS20261127-0001" || u.SenderID != "supply.crew" ||
		u.Platform != bot.PlatformDingTalk || u.ResponseCode != "card:tl01" {
		t.Fatalf("update %+v", u)
	}
	if code, _ := cardPost(t, e, testCardToken, body); code != http.StatusOK || e.staff.calls.Load() != 1 {
		t.Fatalf("repeated click: %d, staff ran %d times", code, e.staff.calls.Load())
	}
}

// Without the URL's token, or with a body that is no click, nothing runs.
func TestDingTalkCardClickRefused(t *testing.T) {
	e := newCardEnv(t)
	body := dingtalktest.ClickBody("tl01", "leader.b", "dtv1.card//IM_GROUP.cid1", "approve:TS20261127-0001:v1")
	if code, _ := cardPost(t, e, "wrong-token", body); code != http.StatusForbidden {
		t.Fatalf("wrong token: %d", code)
	}
	if code, _ := cardPost(t, e, "", body); code != http.StatusForbidden {
		t.Fatalf("no token: %d", code)
	}
	if code, _ := cardPost(t, e, testCardToken, []byte(`{"outTrackId":"x"}`)); code != http.StatusBadRequest {
		t.Fatalf("no click: %d", code)
	}
	if n := e.staff.calls.Load(); n != 0 {
		t.Fatalf("staff ran %d times", n)
	}
}

// A verifier without a card token refuses every card callback.
func TestDingTalkCardClickUnconfiguredToken(t *testing.T) {
	e := newEnv(t, 4*time.Second)
	body := dingtalktest.ClickBody("tl01", "supply.crew", "dtv1.card//IM_GROUP.cid1", "accept:TS20261127-0001")
	if code, _ := cardPost(t, e, "", body); code != http.StatusForbidden || e.staff.calls.Load() != 0 {
		t.Fatalf("unconfigured: %d, %d calls", code, e.staff.calls.Load())
	}
}
