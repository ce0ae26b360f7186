package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"tapline/bot"
	"tapline/bot/simclient"
)

// offsetClock is the real clock moved forward by a settable offset.
type offsetClock struct{ off atomic.Int64 }

func (c *offsetClock) Now() time.Time          { return time.Now().Add(time.Duration(c.off.Load())) }
func (c *offsetClock) Advance(d time.Duration) { c.off.Add(int64(d)) }

// TestBurstMainMajorIncident plays issue 4's scenario through the real
// webhooks: three households of one estate report a burst main; the cases
// become one incident, major; leadership is alerted; nobody acknowledges
// for 30 minutes (simulated clock) and the GM is alerted; a crew member
// cannot acknowledge; the leader records the report to the housing
// authority and acknowledges, and the alerts stop.
func TestBurstMainMajorIncident(t *testing.T) {
	clk := &offsetClock{}
	newClock = func() bot.Clock { return clk }
	t.Cleanup(func() { newClock = func() bot.Clock { return bot.SystemClock{} } })
	env := staffEnv(t)
	env["TAPLINE_OUTBOX_RECONCILE_INTERVAL"] = "200ms"
	base := startServer(t, env)
	ctx := context.Background()
	wx := &simclient.Client{URL: base + "/webhooks/wechat", Token: e2eToken, AppID: e2eAppID, EncodingAESKey: e2eAESKey, OA: "gh_e2e"}
	app := &simclient.WeCom{URL: base + "/webhooks/wecom", Token: e2eWeComToken, EncodingAESKey: e2eAESKey,
		CorpID: e2eCorpID, Now: clk.Now}

	var numbers []string
	for i, building := range []string{"3栋", "5栋", "12栋"} {
		numbers = append(numbers, burstMainReport(t, wx, i, "幸福小区"+building+"1单元101"))
	}
	var lead struct {
		Case struct {
			Major      bool
			IncidentID uint64 `json:"incident"`
		} `json:"case"`
		Events []struct{ Type, Text string } `json:"events"`
	}
	for _, n := range numbers {
		adminGet(t, base+"/api/v1/cases/"+n, &lead)
		if !lead.Case.Major || lead.Case.IncidentID == 0 {
			t.Fatalf("%s: major %v, incident %d", n, lead.Case.Major, lead.Case.IncidentID)
		}
	}
	leaders := waitOutbox(t, base, "leaders", "群体性事件", 1)
	if !strings.Contains(leaders, "幸福小区 3 户") {
		t.Fatalf("incident alert: %s", leaders)
	}
	if n := countOutbox(t, base, "gm", "重大投诉领导确认"); n != 0 {
		t.Fatalf("GM escalated before 30 minutes: %d", n)
	}
	clk.Advance(31 * time.Minute)
	waitOutbox(t, base, "gm", "超时警告", 1) // policy 4.1.3: 30 minutes without a leader → the GM

	number := numbers[0]
	reply, err := app.Text(ctx, "construction.crew", "", "已阅 "+number)
	if err != nil || !strings.Contains(reply, "分管领导或总经理") {
		t.Fatalf("crew acknowledgement: %q %v", reply, err)
	}
	reply, err = app.Text(ctx, "leader.b", "", "已上报住建 "+number+" 已电话报告住建局值班室")
	if err != nil || !strings.Contains(reply, "已记录") {
		t.Fatalf("authority report: %q %v", reply, err)
	}
	reply, err = app.Text(ctx, "leader.b", "", "已阅 "+number)
	if err != nil || !strings.Contains(reply, "已阅重大投诉") {
		t.Fatalf("acknowledgement: %q %v", reply, err)
	}
	adminGet(t, base+"/api/v1/cases/"+number, &lead)
	if !hasEvent(lead.Events, "report", "住建局值班室") || !hasEvent(lead.Events, "ack", "") {
		t.Fatalf("timeline lacks the report or the acknowledgement: %+v", lead.Events)
	}
	before := countOutbox(t, base, "gm", "重大投诉")
	clk.Advance(2 * time.Hour)
	time.Sleep(time.Second) // several reconciler runs
	if after := countOutbox(t, base, "gm", "重大投诉领导确认"); after > before {
		t.Fatalf("GM alerted after the acknowledgement: %d → %d", before, after)
	}
}

// burstMainReport files one household's emergency and completes it.
func burstMainReport(t *testing.T, wx *simclient.Client, i int, addr string) string {
	t.Helper()
	openID := fmt.Sprintf("o-burst-%d-%s", i, randomHex(4))
	var id int64
	say := func(text string) string {
		t.Helper()
		id++
		r, err := wx.Send(context.Background(), simclient.Text(openID, id, text))
		if err != nil || r.Status != 200 {
			t.Fatalf("resident %d %q: %v %+v", i, text, err, r)
		}
		return r.Text
	}
	reply := say("快来人！小区门口水管爆了，水喷得老高，路面都在冒水")
	number := regexp.MustCompile(`TS\d{8}-\d{4}`).FindString(reply)
	for step := 0; step < 12 && !strings.Contains(reply, "已补充") && !strings.Contains(reply, "已记录"); step++ {
		switch {
		case strings.Contains(reply, "称呼") || strings.Contains(reply, "姓名"):
			reply = say("我姓王，叫王建" + string([]rune("国军民华")[i%4]))
		case strings.Contains(reply, "电话") || strings.Contains(reply, "号码"):
			reply = say(fmt.Sprintf("1391234560%d", i))
		case strings.Contains(reply, "地址"):
			reply = say(addr)
		case strings.Contains(reply, "核对"):
			reply = say("确认")
		case strings.Contains(reply, "怎么处理") || strings.Contains(reply, "处理结果"):
			reply = say("尽快抢修")
		default:
			reply = say("水一直在喷，楼里都停水了")
		}
		if number == "" {
			number = regexp.MustCompile(`TS\d{8}-\d{4}`).FindString(reply)
		}
	}
	if number == "" {
		t.Fatalf("household %d: no case number; last reply %q", i, reply)
	}
	return number
}

// waitOutbox waits until at least n rows for audience contain want.
func waitOutbox(t *testing.T, base, audience, want string, n int) string {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if rows := outboxFor(t, base, audience, want); len(rows) >= n {
			return rows[0]
		}
	}
	t.Fatalf("no %d rows for %s containing %q", n, audience, want)
	return ""
}

func countOutbox(t *testing.T, base, audience, want string) int {
	return len(outboxFor(t, base, audience, want))
}

func outboxFor(t *testing.T, base, audience, want string) []string {
	t.Helper()
	var ob struct {
		Outbox []struct {
			Audience string
			Payload  json.RawMessage `json:"message"`
		}
	}
	adminGet(t, base+"/api/v1/outbox?limit=500", &ob)
	var out []string
	for _, r := range ob.Outbox {
		if r.Audience == audience && strings.Contains(string(r.Payload), want) {
			out = append(out, string(r.Payload))
		}
	}
	return out
}

func hasEvent(evs []struct{ Type, Text string }, typ, text string) bool {
	for _, e := range evs {
		if e.Type == typ && strings.Contains(e.Text, text) {
			return true
		}
	}
	return false
}

// TestBadCalendarStopsStartUp: an overlapping holiday stops the start-up
// with the file and line.
func TestBadCalendarStopsStartUp(t *testing.T) {
	dir := t.TempDir()
	bad := "timezone Asia/Shanghai\nhours 08:30-12:00 13:30-17:30\nweekend sat sun\nyears 2026\n" +
		"holiday 2026-10-01..2026-10-07 国庆节\nholiday 2026-10-05 重复\n"
	if err := os.WriteFile(filepath.Join(dir, "calendar.txt"), []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	env := e2eEnv(t)
	env["TAPLINE_CALENDAR_FILE"] = filepath.Join(dir, "calendar.txt")
	err := run(context.Background(), nil, func(k string) string { return env[k] }, &syncBuffer{})
	if err == nil || !strings.Contains(err.Error(), "calendar_file") || !strings.Contains(err.Error(), "calendar.txt:6") {
		t.Fatalf("err = %v", err)
	}
}
