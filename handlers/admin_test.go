package handlers

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"tapline/bot/simclient"
	"tapline/models"
)

func adminGet(t *testing.T, e *env, path, token string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func TestAdminAuthFailsClosed(t *testing.T) {
	e := newEnv(t, time.Second)
	for _, tok := range []string{"", "wrong-token-0123456789", testAdmin + "x", strings.ToUpper(testAdmin)} {
		for _, p := range []string{"/api/v1/cases", "/api/v1/cases/TS20261127-0001", "/api/v1/outbox"} {
			if code, _ := adminGet(t, e, p, tok); code != http.StatusUnauthorized {
				t.Errorf("%s with %q: %d", p, tok, code)
			}
		}
	}
}

func TestAdminCases(t *testing.T) {
	e := newEnv(t, time.Second)
	ctx := context.Background()
	nc := &models.NewCase{
		Case: models.Case{DraftKey: "k1", Status: models.StatusAssigned, Source: models.SourceWeChat,
			ResidentID: "o1", Category: "water_quality", Department: "quality", Name: "张三",
			Address: "幸福路12号", Phone: "13812345678", Details: "水黄"},
		Event:  models.CaseEvent{Type: "created", Actor: "o1"},
		Outbox: []models.Outbox{{Channel: models.ChannelSink, Target: "quality", Kind: "card", Payload: `{"text":"x"}`}},
	}
	c, _, err := e.db.CreateCase(ctx, nc)
	if err != nil {
		t.Fatal(err)
	}
	code, body := adminGet(t, e, "/api/v1/cases?department=quality&phone=13812345678", testAdmin)
	if code != 200 || body["total"].(float64) != 1 {
		t.Fatalf("list: %d %v", code, body)
	}
	code, body = adminGet(t, e, "/api/v1/cases/"+c.Number, testAdmin)
	if code != 200 || len(body["events"].([]any)) != 1 {
		t.Fatalf("get: %d %v", code, body)
	}
	if code, _ = adminGet(t, e, "/api/v1/cases/TS19990101-0001", testAdmin); code != 404 {
		t.Fatalf("missing case: %d", code)
	}
	if code, _ = adminGet(t, e, "/api/v1/cases?since=yesterday", testAdmin); code != 400 {
		t.Fatalf("bad since: %d", code)
	}
	code, body = adminGet(t, e, "/api/v1/outbox", testAdmin)
	if code != 200 || body["total"].(float64) != 1 {
		t.Fatalf("outbox: %d %v", code, body)
	}
}

func TestHealthAndReady(t *testing.T) {
	e := newEnv(t, time.Second)
	if resp, _ := get(t, e.srv.URL+"/healthz"); resp.StatusCode != 200 {
		t.Fatal("healthz")
	}
	if resp, body := get(t, e.srv.URL+"/readyz"); resp.StatusCode != 200 {
		t.Fatalf("readyz: %s", body)
	}
	if resp, _ := get(t, e.srv.URL+"/metrics"); resp.StatusCode != 404 { // issue 13: its own listener (metrics_test.go)
		t.Fatalf("public /metrics without a token: %d", resp.StatusCode)
	}
	_ = e.rdb.Close()
	if resp, body := get(t, e.srv.URL+"/readyz"); resp.StatusCode != 503 || !strings.Contains(body, `"redis":"unavailable"`) {
		t.Fatalf("readyz with redis down: %d %s", resp.StatusCode, body)
	}
}

func TestWeChatRedisDown(t *testing.T) {
	e := newEnv(t, time.Second)
	_ = e.rdb.Close()
	r, err := e.aes.Send(context.Background(), simclient.Text("o-down", 5, "停水"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Text != busyText || e.dialog.calls.Load() != 0 {
		t.Fatalf("reply %q, dialog calls %d", r.Text, e.dialog.calls.Load())
	}
	if e.inboundCount(t) != 1 {
		t.Fatal("raw message not recorded while Redis is down")
	}
}

func TestBusyReplyPromisesOnlyWhatWasKept(t *testing.T) {
	e := newEnv(t, time.Second)
	_ = e.rdb.Close()
	_ = e.db.Close()
	r, err := e.aes.Send(context.Background(), simclient.Text("o-down2", 6, "停水"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Text != busyUnrecorded {
		t.Fatalf("with Redis and the database down the reply was %q", r.Text)
	}
}
