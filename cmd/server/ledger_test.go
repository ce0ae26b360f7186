package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"tapline/bot"
	"tapline/bot/simclient"
	"tapline/models"
)

// TestLedgerOnDemand: a leader asks for the ledger in chat; the workbook
// and the charts reach the leaders' group (here the sink) with signed
// links that download; a malformed month and a crew member are refused.
func TestLedgerOnDemand(t *testing.T) {
	base := startServer(t, staffEnv(t))
	ctx := context.Background()
	wx := &simclient.Client{URL: base + "/webhooks/wechat", Token: e2eToken, AppID: e2eAppID, EncodingAESKey: e2eAESKey, OA: "gh_e2e"}
	app := &simclient.WeCom{URL: base + "/webhooks/wecom", Token: e2eWeComToken, EncodingAESKey: e2eAESKey, CorpID: e2eCorpID}
	openID := "o-ledger-" + randomHex(6)
	for i, text := range []string{"我叫李梅，电话13912345678，住光明路8号2栋，最近晚上水压特别小，希望尽快解决", "确认"} {
		if _, err := wx.Send(ctx, simclient.Text(openID, int64(i+1), text)); err != nil {
			t.Fatal(err)
		}
	}
	if r, err := app.Text(ctx, "supply.crew", "", "台账"); err != nil || !strings.Contains(r, "分管领导和总经理") {
		t.Fatalf("crew: %q %v", r, err)
	}
	if r, err := app.Text(ctx, "leader.a", "", "台账 2026-13"); err != nil || !strings.Contains(r, "1 到 12") {
		t.Fatalf("bad month: %q %v", r, err)
	}
	month := newClock().Now().In(models.CST).Format("2006-01")
	r, err := app.Text(ctx, "leader.a", "", "台账 "+month)
	if err != nil || !strings.Contains(r, "稍后发到您的会话") { // asked in their own chat: it comes back there (issue 17)
		t.Fatalf("ledger: %q %v", r, err)
	}
	var book *bot.File
	images := 0
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline) && (book == nil || images < 7); time.Sleep(200 * time.Millisecond) {
		book, images = filesTo(t, base, "leader.a")
	}
	if book == nil || images < 5 || !strings.HasPrefix(book.URL, "/files/") {
		t.Fatalf("the leader who asked got workbook %+v and %d charts", book, images)
	}
	if b, n := filesTo(t, base, "leaders"); b != nil || n != 0 {
		t.Fatalf("a ledger asked for in a 1:1 chat went to the leaders' group too: %+v, %d charts", b, n)
	}
	resp, err := http.Get(base + book.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.HasPrefix(string(body), "PK") {
		t.Fatalf("download: %d %q", resp.StatusCode, body[:min(len(body), 40)])
	}
	if resp, err := http.Get(base + strings.Replace(book.URL, "sig=", "sig=0", 1)); err != nil || resp.StatusCode != 403 {
		t.Fatalf("tampered link: %v %v", resp.StatusCode, err)
	}
}

// filesTo returns the workbook and the number of charts queued for
// audience (the leaders' group, or a person's ID).
func filesTo(t *testing.T, base, audience string) (*bot.File, int) {
	t.Helper()
	var ob struct {
		Outbox []struct {
			Audience, Kind string
			Payload        json.RawMessage `json:"message"`
		}
	}
	adminGet(t, base+"/api/v1/outbox?limit=100", &ob)
	var book *bot.File
	images := 0
	for _, row := range ob.Outbox {
		var m bot.Message
		if row.Audience != audience || row.Kind != "file" || json.Unmarshal(row.Payload, &m) != nil {
			continue
		}
		if m.File.Image {
			images++
		} else {
			book = m.File
		}
	}
	return book, images
}
