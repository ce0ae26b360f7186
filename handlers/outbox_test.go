package handlers

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"tapline/bot"
	"tapline/bot/notify"
	"tapline/models"
)

// Issue 13 item 8: GET /api/v1/outbox does not show the one-time sign-in
// tokens in a row's payload (the admin may read the message, not sign in
// as its addressee); a signed file link stays usable (the ledger's
// end-to-end test downloads through it).
func TestOutboxViewMasksCredentials(t *testing.T) {
	e := newEnv(t, time.Second)
	ctx := context.Background()
	poster := notify.NewPoster(e.db, nopScheduler{})
	for _, m := range []bot.Message{
		{Text: "工作台登录链接（10 分钟内有效）：\nhttp://127.0.0.1:8080/console/link?token=LINKTOKEN2"},
		{File: &bot.File{Name: "台账.xlsx", URL: "https://tapline.example/files/7?exp=1767225600&sig=FILESIG3"}},
	} {
		if err := poster.Post(ctx, models.ChannelWeComApp, "supply.crew", "staff", m); err != nil {
			t.Fatal(err)
		}
	}
	code, body := adminGet(t, e, "/api/v1/outbox", testAdmin)
	raw, _ := json.Marshal(body)
	if code != 200 || body["total"].(float64) != 2 {
		t.Fatalf("outbox: %d %s", code, raw)
	}
	if strings.Contains(string(raw), "LINKTOKEN2") {
		t.Errorf("the outbox view shows the sign-in token: %s", raw)
	}
	if !strings.Contains(string(raw), "/console/link?token=…") || !strings.Contains(string(raw), "FILESIG3") {
		t.Errorf("the outbox view lost the message: %s", raw)
	}
}
