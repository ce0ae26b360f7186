package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"tapline/bot/dingtalk"
	"tapline/bot/dingtalk/dingtalktest"
	"tapline/bot/dingtalk/stream"
	"tapline/models"
)

// Stream mode end to end: robot messages and card clicks arrive as frames
// from the fake gateway and run the webhooks' step path on the store and
// Redis of the backend under test. The socket is killed mid-frame and the
// server disconnects: every frame runs its step exactly once, its reply is
// queued once, and it is ACKed.
func TestDingTalkStreamEndToEnd(t *testing.T) {
	var deps Deps
	e := newEnvWith(t, envOpts{budget: 4 * time.Second, deps: func(d *Deps) {
		d.DingTalk = dingtalk.NewVerifier(testDingSecret, 0, nil)
		deps = *d
	}})
	frames := NewDingTalkStream(deps)
	g := dingtalktest.New(t, "dingkey", "dingsecret")
	c, err := stream.New(stream.Config{ClientID: "dingkey", ClientSecret: "dingsecret", OpenAPIBase: g.URL(),
		Idle: time.Second, MinBackoff: 20 * time.Millisecond, MaxBackoff: 100 * time.Millisecond},
		frames, e.rdb, e.prefix, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); c.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	waitUntil(t, "connection", 3*time.Second, c.Connected)

	now := time.Now().UnixMilli()
	var ids []string
	robot := func(n int) {
		for range n {
			ids = append(ids, g.Push(stream.TopicRobot, dingBody(fmt.Sprintf("smsg%d", len(ids)), "supply.crew", "进展 TS20261127-0001 到场", now)))
		}
	}
	robot(2)
	click := g.Push(stream.TopicCard, dingtalktest.ClickBody("tl01", "supply.crew", "dtv1.card//IM_GROUP.cid1", "accept:TS20261127-0001"))
	ids = append(ids, click)
	waitUntil(t, "the click's ACK", 3*time.Second, func() bool { return len(g.Acks(click)) == 1 })
	g.KillMidFrame()
	robot(2)
	waitUntil(t, "reconnect", 3*time.Second, func() bool { return g.Connections() >= 2 })
	g.Disconnect(time.Second)
	robot(1)
	waitUntil(t, "every frame ACKed", 5*time.Second, func() bool { return g.Pending() == 0 })
	for _, id := range ids {
		if n := len(g.Acks(id)); n != 1 {
			t.Errorf("frame %s ACKed %d times", id, n)
		}
	}
	if n := e.staff.calls.Load(); n != int32(len(ids)) {
		t.Fatalf("staff ran %d times for %d frames", n, len(ids))
	}
	var ans struct {
		Response dingtalk.CardResponse `json:"response"`
	}
	if err := json.Unmarshal([]byte(g.Acks(click)[0].Data), &ans); err != nil ||
		ans.Response.UserPrivateData.CardParamMap[dingtalk.ParamReply] != "已接单：" {
		t.Fatalf("card ack %q (%v)", g.Acks(click)[0].Data, err)
	}
	rows, _, err := e.db.ListOutbox(context.Background(), models.OutboxFilter{Channel: models.ChannelDingTalkSession, Limit: 50})
	if err != nil || len(rows) != len(ids)-1 {
		t.Fatalf("%d session replies for %d robot frames (%v)", len(rows), len(ids)-1, err)
	}
	if n := e.inboundCount(t); n != int64(len(ids)) {
		t.Fatalf("%d raw records for %d frames", n, len(ids))
	}
}

func waitUntil(t *testing.T, what string, d time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
