package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"tapline/bot"
	"tapline/bot/dialog"
	"tapline/bot/simclient"
)

// playMajor plays issue 4's scenario against a running server: three
// households of one estate report a burst main; the cases become one
// incident, major; leadership is alerted; then the leader in charge records
// the report to the housing authority and acknowledges. (Without the
// acknowledgement the GM would be alerted 30 minutes after the alert; the
// server's tests run that on a simulated clock.)
func playMajor(ctx context.Context, o options, out io.Writer) error {
	creds, err := loadCredentials(o.credentials)
	if err != nil {
		return err
	}
	texts, err := loadTexts(o.dialog)
	if err != nil {
		return err
	}
	var numbers []string
	for i, building := range []string{"3栋", "5栋", "12栋"} {
		r := &resident{out: out, openID: "o-sim-" + randomHex(6), msgID: time.Now().UnixNano() % 1e12,
			script: burstScript(i, "幸福小区"+building+"1单元101", texts)}
		r.client = &simclient.Client{URL: strings.TrimRight(o.url, "/") + "/webhooks/wechat", Token: creds.Token,
			AppID: creds.AppID, OA: "gh_tapline_demo", EncodingAESKey: creds.AESKey}
		fmt.Fprintf(out, "—— 第 %d 户 %s ——\n", i+1, r.openID)
		n, err := r.converse(ctx)
		if err != nil {
			return err
		}
		numbers = append(numbers, n)
	}
	admin := &adminClient{base: strings.TrimRight(o.url, "/"), token: creds.AdminToken}
	if err := showIncident(ctx, admin, out, numbers); err != nil {
		return err
	}
	return leaderActs(ctx, o, creds, admin, out, numbers[0])
}

// burstScript is household i's emergency with its own phone and address.
func burstScript(i int, addr string, texts *dialog.Texts) *script {
	s := newScript("emergency", texts)
	s.opening = "快来人！小区门口水管爆了，水喷得老高，路面都在冒水"
	s.phones = []string{fmt.Sprintf("1391234560%d", i)}
	s.address = []string{addr, addr}
	return s
}

// showIncident prints each case's major flag and incident, and the alerts
// queued for the leaders.
func showIncident(ctx context.Context, admin *adminClient, out io.Writer, numbers []string) error {
	fmt.Fprintln(out, "—— 结果 ——")
	for _, n := range numbers {
		var cv struct {
			Case struct {
				Major       bool
				MajorReason string `json:"major_reason"`
				IncidentID  uint64 `json:"incident"`
			} `json:"case"`
		}
		if err := admin.get(ctx, "/api/v1/cases/"+n, &cv); err != nil {
			return err
		}
		fmt.Fprintf(out, "%s  重大=%v（%s）  事件=%d\n", n, cv.Case.Major, cv.Case.MajorReason, cv.Case.IncidentID)
	}
	var ov outboxView
	if err := admin.get(ctx, "/api/v1/outbox?limit=200", &ov); err != nil {
		return err
	}
	fmt.Fprintln(out, "\n发给领导的消息：")
	for _, r := range ov.Outbox {
		if r.Audience != "leaders" && !strings.HasPrefix(r.Audience, "leader.") && r.Audience != "gm" {
			continue
		}
		var m bot.Message
		_ = json.Unmarshal(r.Payload, &m)
		text := m.Text
		if m.Card != nil {
			text = m.Card.Title + "｜" + m.Card.Status
		}
		fmt.Fprintf(out, "  → %-9s %s\n", r.Audience, text)
	}
	return nil
}

// leaderActs plays the leader in charge of construction (policy 3.9) in
// the WeCom app: report to the housing authority, then acknowledge.
func leaderActs(ctx context.Context, o options, creds credentials, admin *adminClient, out io.Writer, number string) error {
	app := &simclient.WeCom{URL: strings.TrimRight(o.url, "/") + "/webhooks/wecom", Token: creds.WeComToken,
		EncodingAESKey: creds.WeComAESKey, CorpID: creds.WeComCorpID}
	for _, cmd := range []string{"已上报住建 " + number + " 已电话报告住建局值班室", "已阅 " + number} {
		reply, err := app.Text(ctx, "leader.b", "", cmd)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "\n分管领导乙 > %s\n助手 < %s\n", cmd, indent(reply))
	}
	return admin.show(ctx, out, number, o.wait)
}
