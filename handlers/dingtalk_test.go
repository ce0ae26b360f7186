package handlers

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"tapline/bot"
	"tapline/bot/dingtalk"
	"tapline/bot/simclient"
)

// dingBody is a DingTalk group @-message from staffID.
func dingBody(msgID, staffID, text string, at int64) []byte {
	b, _ := json.Marshal(map[string]any{"msgtype": "text", "text": map[string]string{"content": " " + text},
		"msgId": msgID, "createAt": at, "conversationType": "2", "conversationId": "cid1", "senderStaffId": staffID,
		"senderId": "$:" + staffID, "isInAtList": true, "sessionWebhook": "https://oapi.dingtalk.com/robot/sendBySession?session=s1",
		"sessionWebhookExpiredTime": at + 5400000})
	return b
}

// Issue 13 item 4: DingTalk signs only the timestamp; captured timestamp
// and sign headers with a new body (the leader in charge approving) are
// refused.
func TestDingTalkCapturedHeadersCannotApprove(t *testing.T) {
	e := newEnv(t, 4*time.Second)
	now := time.Now().UnixMilli()
	if code := dingPost(t, e, now, "", dingBody("msgC1", "supply.crew", "进展 TS20261127-0001 已到现场", now)); code != 200 {
		t.Fatalf("first: %d", code)
	}
	if code := dingPost(t, e, now, "", dingBody("msgF1", "leader.b", "批准 TS20261127-0001", now)); code != 403 {
		t.Fatalf("captured headers, new body: %d", code)
	}
	if n := e.staff.calls.Load(); n != 1 {
		t.Fatalf("staff ran %d times", n)
	}
}

// With aes_key configured every DingTalk body must come encrypted: the
// simulator's independent implementation of the scheme gets through and
// is answered with the encrypted success; a plaintext body is refused.
func TestDingTalkEncryptedCallbacks(t *testing.T) {
	const aesKey, token, appKey = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR", "ding-cb-token", "dingappkey01"
	crypto, err := dingtalk.NewCrypto(token, aesKey, appKey)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvWith(t, envOpts{budget: 4 * time.Second, dingCrypto: crypto})
	sim := &simclient.DingTalk{URL: e.srv.URL + "/webhooks/dingtalk", AppSecret: testDingSecret,
		Token: token, AESKey: aesKey, AppKey: appKey}
	if _, err := sim.Text(context.Background(), "supply.crew", "cid1", "接单 TS20261127-0001"); err != nil {
		t.Fatal(err)
	}
	if u := e.staff.last.Load().(bot.Update); e.staff.calls.Load() != 1 || u.SenderID != "supply.crew" || u.Text != "接单 TS20261127-0001" {
		t.Fatalf("staff calls %d, update %+v", e.staff.calls.Load(), u)
	}
	now := time.Now().UnixMilli()
	if code := dingPost(t, e, now, "", dingBody("msgP1", "leader.b", "批准 TS20261127-0001", now)); code != 400 {
		t.Fatalf("plaintext body with aes_key configured: %d", code)
	}
	if e.staff.calls.Load() != 1 {
		t.Fatal("a plaintext body ran a step")
	}
}

// The same request replayed after Redis forgot it (the probe waited 11
// minutes) does not run its step again: the raw record's dedupe key is
// unique in the database.
func TestDingTalkReplayAfterDedupeExpiredRunsOnce(t *testing.T) {
	e := newEnv(t, 4*time.Second)
	now := time.Now().UnixMilli()
	body := dingBody("msgR1", "supply.crew", "接单 TS20261127-0001", now)
	if code := dingPost(t, e, now, "", body); code != 200 {
		t.Fatalf("first: %d", code)
	}
	e.forgetDedupe(t)
	if code := dingPost(t, e, now, "", body); code != 200 {
		t.Fatalf("replay: %d", code)
	}
	if n := e.staff.calls.Load(); n != 1 {
		t.Fatalf("the replayed request ran its step %d times", n)
	}
	if n := e.inboundCount(t); n != 1 {
		t.Fatalf("%d raw records", n)
	}
}

// forgetDedupe drops the Redis dedupe keys, as their expiry would.
func (e *env) forgetDedupe(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	keys, err := e.rdb.Keys(ctx, e.prefix+"dedupe:*").Result()
	if err != nil || len(keys) == 0 {
		t.Fatalf("dedupe keys %v, %v", keys, err)
	}
	if err := e.rdb.Del(ctx, keys...).Err(); err != nil {
		t.Fatal(err)
	}
}
