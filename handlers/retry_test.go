package handlers

import (
	"context"
	"testing"
	"time"

	"tapline/bot/simclient"
	"tapline/models"
)

// Issue 13 item 7: WeChat retries when the first answer never reached it;
// the retry gets the stored first reply (the step still runs once).
func TestWeChatRetryRepeatsTheFirstReply(t *testing.T) {
	e := newEnv(t, 4*time.Second)
	msg := simclient.Text("o-lost", 4343, "停水了")
	first, err := e.aes.Send(context.Background(), msg)
	if err != nil || first.Text != "收到：停水了" {
		t.Fatalf("first: %+v %v", first, err)
	}
	for i := range 2 { // WeChat's retries of the same MsgId
		r, err := e.aes.Send(context.Background(), msg)
		if err != nil || r.Status != 200 || r.Text != "收到：停水了" {
			t.Fatalf("retry %d: %+v %v", i+1, r, err)
		}
	}
	if n := e.dialog.calls.Load(); n != 1 {
		t.Fatalf("dialog ran %d times", n)
	}
}

// A reply that went out as a customer-service message (the step overran
// the budget) is not repeated passively: the resident would read it twice.
func TestWeChatRetryAfterLateReplyIsSilent(t *testing.T) {
	e := newEnv(t, 100*time.Millisecond)
	e.dialog.delay = 300 * time.Millisecond
	msg := simclient.Text("o-late", 4344, "水压小")
	if r, err := e.aes.Send(context.Background(), msg); err != nil || r.Text != "" {
		t.Fatalf("first: %+v %v", r, err)
	}
	select {
	case <-e.notifier.sent:
	case <-time.After(5 * time.Second):
		t.Fatal("late reply never sent")
	}
	if r, err := e.aes.Send(context.Background(), msg); err != nil || r.Text != "" {
		t.Fatalf("retry after the late reply: %+v %v", r, err)
	}
	if len(e.notifier.texts) != 1 || e.dialog.calls.Load() != 1 {
		t.Fatalf("late replies %q, dialog calls %d", e.notifier.texts, e.dialog.calls.Load())
	}
}

// DingTalk's reply is a message of its own (session webhook): a
// redelivery posts nothing more.
func TestDingTalkRedeliveryPostsOnce(t *testing.T) {
	e := newEnv(t, 4*time.Second)
	now := time.Now().UnixMilli()
	body := dingBody("msgD1", "supply.crew", "待办", now)
	for range 3 {
		if code := dingPost(t, e, now, "", body); code != 200 {
			t.Fatalf("status %d", code)
		}
	}
	if _, total, err := e.db.ListOutbox(t.Context(), outboxAll()); err != nil || total != 1 {
		t.Fatalf("%d replies posted, %v", total, err)
	}
}

func outboxAll() models.OutboxFilter { return models.OutboxFilter{} }
