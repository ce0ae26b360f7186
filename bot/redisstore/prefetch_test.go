package redisstore

import (
	"context"
	"os"
	"testing"
	"time"

	"tapline/bot"
	"tapline/bot/dialog"
	"tapline/bot/redisstore/redistest"
)

func wechatText(openID string) bot.Update {
	return bot.Update{Platform: bot.PlatformWeChat, Kind: bot.KindText, SenderID: openID, Text: "你好"}
}

func mustSave(t *testing.T, s *DialogStore, sess *dialog.Session) {
	t.Helper()
	if err := s.Save(context.Background(), sess, time.Hour); err != nil {
		t.Fatal(err)
	}
}

// The claim's round trip carries the session and the hint; each is used
// once, so a retried step reads Redis again.
func TestClaimForPrefetchesOnce(t *testing.T) {
	rdb, prefix := redistest.New(t)
	sessions, hints := NewDialogStore(rdb, prefix), NewPendingHints(rdb, prefix, time.Minute)
	d := NewDedupe(rdb, prefix, time.Minute).WithPrefetch(sessions, hints)
	ctx := context.Background()
	sess := &dialog.Session{ResidentID: "o-p", State: dialog.StateName}
	mustSave(t, sessions, sess)
	_, token, _ := hints.Check(ctx, "o-p")
	_ = hints.MarkNone(ctx, "o-p", token)

	sctx, first, err := d.ClaimFor(ctx, "wechat:o-p:1", wechatText("o-p"))
	if err != nil || !first {
		t.Fatalf("ClaimFor = %v, %v", first, err)
	}
	sess.State = dialog.StatePhone // another replica saves after the claim
	mustSave(t, sessions, sess)
	got, err := sessions.Load(sctx, "o-p")
	if err != nil || got.State != dialog.StateName || got.Version != 1 {
		t.Fatalf("first Load = %+v, %v; want the prefetched version 1", got, err)
	}
	got, err = sessions.Load(sctx, "o-p")
	if err != nil || got.State != dialog.StatePhone || got.Version != 2 {
		t.Fatalf("second Load = %+v, %v; want Redis' version 2", got, err)
	}
	if none, _, err := hints.Check(sctx, "o-p"); err != nil || !none {
		t.Fatalf("prefetched hint = %v, %v", none, err)
	}

	rctx, again, err := d.ClaimFor(ctx, "wechat:o-p:1", wechatText("o-p"))
	if err != nil || again || takePrefetched(rctx, sessions.key("o-p")) != nil {
		t.Fatalf("retry: first=%v err=%v, or it carries prefetched reads", again, err)
	}
}

// Staff platforms read nothing ahead; a Dedupe without prefetchers is a
// plain Claim.
func TestClaimForStaffAndPlain(t *testing.T) {
	rdb, prefix := redistest.New(t)
	sessions, hints := NewDialogStore(rdb, prefix), NewPendingHints(rdb, prefix, time.Minute)
	d := NewDedupe(rdb, prefix, time.Minute).WithPrefetch(sessions, hints)
	staff := bot.Update{Platform: bot.PlatformWeCom, Kind: bot.KindText, SenderID: "crew"}
	ctx, first, err := d.ClaimFor(context.Background(), "wecom:crew:1", staff)
	if err != nil || !first || takePrefetched(ctx, sessions.key("crew")) != nil || takePrefetched(ctx, hints.key("crew")) != nil {
		t.Fatalf("staff claim = %v, %v, or it read ahead", first, err)
	}
	if n := rdb.Exists(context.Background(), hints.key("crew")).Val(); n != 0 {
		t.Fatal("a staff message created a resident hint")
	}
	plain := NewDedupe(rdb, prefix, time.Minute)
	if _, first, err := plain.ClaimFor(context.Background(), "wechat:o:1", wechatText("o")); err != nil || !first {
		t.Fatalf("plain ClaimFor = %v, %v", first, err)
	}
}

// After a script flush the scripts still run (go-redis falls back to
// EVAL), with or without a prefetched token. (Only on miniredis: SCRIPT
// FLUSH would reach every user of a shared server.)
func TestClaimForAfterScriptFlush(t *testing.T) {
	if os.Getenv("TAPLINE_TEST_REDIS_ADDR") != "" {
		t.Skip("SCRIPT FLUSH is server-wide")
	}
	rdb, prefix := redistest.New(t)
	hints := NewPendingHints(rdb, prefix, time.Minute)
	d := NewDedupe(rdb, prefix, time.Minute).WithPrefetch(hints)
	ctx := context.Background()
	_, token, _ := hints.Check(ctx, "o-f")
	_ = hints.MarkNone(ctx, "o-f", token)
	if err := rdb.ScriptFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	sctx, first, err := d.ClaimFor(ctx, "wechat:o-f:1", wechatText("o-f"))
	if err != nil || !first {
		t.Fatalf("ClaimFor = %v, %v", first, err)
	}
	if none, _, err := hints.Check(sctx, "o-f"); err != nil || !none {
		t.Fatalf("Check after a script flush = %v, %v", none, err)
	}
	if err := rdb.ScriptFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	if none, token, err := hints.Check(ctx, "o-new"); err != nil || none || token == "" {
		t.Fatalf("Check of a new resident after a script flush = %v, %q, %v", none, token, err)
	}
}

// A resident without a token yet gets one from Check even when the claim
// prefetched the (empty) hint.
func TestClaimForNewResidentGetsToken(t *testing.T) {
	rdb, prefix := redistest.New(t)
	hints := NewPendingHints(rdb, prefix, time.Minute)
	d := NewDedupe(rdb, prefix, time.Minute).WithPrefetch(hints)
	ctx := context.Background()
	sctx, _, err := d.ClaimFor(ctx, "wechat:o-n:1", wechatText("o-n"))
	if err != nil {
		t.Fatal(err)
	}
	none, token, err := hints.Check(sctx, "o-n")
	if err != nil || none || token == "" {
		t.Fatalf("Check = %v, %q, %v", none, token, err)
	}
	if err := hints.MarkNone(ctx, "o-n", token); err != nil {
		t.Fatal(err)
	}
	sctx, _, _ = d.ClaimFor(ctx, "wechat:o-n:2", wechatText("o-n"))
	if none, _, err := hints.Check(sctx, "o-n"); err != nil || !none {
		t.Fatalf("after MarkNone, prefetched Check = %v, %v", none, err)
	}
}
