package main

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"tapline/bot/simclient"
)

const (
	e2eCorpID     = "wwe2e0000000000001"
	e2eWeComToken = "e2e-wecom-token"
	e2eBotToken   = "e2e-bot-token"
	e2eDingKey    = "dinge2e"
	e2eDingSecret = "e2e-dingtalk-secret-0123456789"
)

// staffEnv adds the three staff channels' credentials to the server env.
func staffEnv(t *testing.T) map[string]string {
	env := e2eEnv(t)
	env["TAPLINE_WECOM_CORP_ID"], env["TAPLINE_WECOM_TOKEN"] = e2eCorpID, e2eWeComToken
	env["TAPLINE_WECOM_ENCODING_AES_KEY"] = e2eAESKey
	env["TAPLINE_WECOM_BOT_TOKEN"], env["TAPLINE_WECOM_BOT_ENCODING_AES_KEY"] = e2eBotToken, e2eAESKey
	env["TAPLINE_DINGTALK_APP_KEY"], env["TAPLINE_DINGTALK_APP_SECRET"] = e2eDingKey, e2eDingSecret
	return env
}

// TestOrdinaryCaseLifecycle plays policy section 4 end to end through the
// real signed and encrypted webhooks of every channel: the resident files
// on WeChat; the crew accepts with the WeCom app card button, reports
// progress on DingTalk and proposes measures through the WeCom smart bot;
// a leader of another department is refused; the leader in charge approves;
// the resident accepts; the crew reports done; the head confirms.
func TestOrdinaryCaseLifecycle(t *testing.T) {
	base := startServer(t, staffEnv(t))
	ctx := context.Background()
	wx := &simclient.Client{URL: base + "/webhooks/wechat", Token: e2eToken, AppID: e2eAppID, EncodingAESKey: e2eAESKey, OA: "gh_e2e"}
	app := &simclient.WeCom{URL: base + "/webhooks/wecom", Token: e2eWeComToken, EncodingAESKey: e2eAESKey, CorpID: e2eCorpID}
	wbot := &simclient.WeCom{URL: base + "/webhooks/wecom-bot", Token: e2eBotToken, EncodingAESKey: e2eAESKey, Bot: true}
	ding := &simclient.DingTalk{URL: base + "/webhooks/dingtalk", AppSecret: e2eDingSecret}
	openID := "o-e2e-" + randomHex(6)
	var msgID int64
	resident := func(text string) string {
		t.Helper()
		msgID++
		r, err := wx.Send(ctx, simclient.Text(openID, msgID, text))
		if err != nil || r.Status != 200 {
			t.Fatalf("resident %q: %v %+v", text, err, r)
		}
		return r.Text
	}
	resident("我叫李梅，电话13912345678，住光明路8号2栋，最近晚上水压特别小，希望尽快解决")
	number := regexp.MustCompile(`TS\d{8}-\d{4}`).FindString(resident("确认"))
	if number == "" {
		t.Fatal("no case filed")
	}
	must := func(reply string, err error, want string) {
		t.Helper()
		if err != nil || !strings.Contains(reply, want) {
			t.Fatalf("reply %q (err %v), want it to contain %q", reply, err, want)
		}
	}
	reply, err := app.Click(ctx, "supply.crew", "accept:"+number, "")
	must(reply, err, "已接单")
	reply, err = app.Click(ctx, "supply.head", "accept:"+number, "") // pressed again by another person
	must(reply, err, "已处理")
	if _, err := ding.Text(ctx, "supply.crew", "cid-e2e", "进展 "+number+" 已到现场测压"); err != nil {
		t.Fatal(err)
	}
	reply, err = wbot.Text(ctx, "supply.crew", "wr-e2e", "措施 "+number+" 更换止回阀")
	must(reply, err, "第 1 版措施")
	reply, err = app.Text(ctx, "leader.a", "", "批准 "+number)
	must(reply, err, "分管供水股的领导") // policy 3.9: leader.a does not cover supply
	reply, err = app.Text(ctx, "leader.b", "", "批准 "+number)
	must(reply, err, "已批准")
	if r := resident("接受"); !strings.Contains(r, number) {
		t.Fatalf("resident accept: %q", r)
	}
	if _, err := ding.Text(ctx, "supply.crew", "cid-e2e", "完成 "+number+" 已更换"); err != nil {
		t.Fatal(err)
	}
	reply, err = wbot.Text(ctx, "supply.head", "wr-e2e", "确认 "+number)
	must(reply, err, "已确认")
	var cv struct {
		Case   struct{ Status string } `json:"case"`
		Events []struct{ Type, Actor string }
	}
	adminGet(t, base+"/api/v1/cases/"+number, &cv)
	var types []string
	for _, e := range cv.Events {
		types = append(types, e.Type+"/"+e.Actor)
	}
	want := "created/" + openID + " accept/supply.crew note/supply.crew propose/supply.crew approve/leader.b resident_accept/" +
		openID + " done/supply.crew confirm/supply.head"
	if cv.Case.Status != "confirmed" || strings.Join(types, " ") != want {
		t.Fatalf("status %s, timeline:\n%s\nwant:\n%s", cv.Case.Status, strings.Join(types, " "), want)
	}
}
