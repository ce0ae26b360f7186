package redisstore

import (
	"context"
	"testing"
	"time"

	"tapline/bot/casework"
	"tapline/bot/redisstore/redistest"
)

var _ casework.PendingHint = (*PendingHints)(nil)

func mustCheck(t *testing.T, h *PendingHints, id string) (bool, string) {
	t.Helper()
	none, token, err := h.Check(context.Background(), id)
	if err != nil || token == "" && !none {
		t.Fatalf("Check = %v, %q, %v", none, token, err)
	}
	return none, token
}

func TestPendingHintLifecycle(t *testing.T) {
	rdb, prefix := redistest.New(t)
	h := NewPendingHints(rdb, prefix, time.Minute)
	ctx := context.Background()
	none, token := mustCheck(t, h, "o-1")
	if none {
		t.Fatal("a resident never seen is known to have nothing pending")
	}
	if again, token2 := mustCheck(t, h, "o-1"); again || token2 != token {
		t.Fatalf("second check = %v %q; want the same token %q", again, token2, token)
	}
	if err := h.MarkNone(ctx, "o-1", token); err != nil {
		t.Fatal(err)
	}
	if none, _ := mustCheck(t, h, "o-1"); !none {
		t.Fatal("marked, yet not known")
	}
	if ttl := rdb.PTTL(ctx, prefix+"pending:o-1").Val(); ttl <= 0 || ttl > time.Minute {
		t.Fatalf("marked hint TTL = %v; it must expire", ttl)
	}
	if other, _ := mustCheck(t, h, "o-2"); other {
		t.Fatal("another resident's hint leaked")
	}
	if err := h.Invalidate(ctx, "o-1"); err != nil {
		t.Fatal(err)
	}
	if none, _ := mustCheck(t, h, "o-1"); none {
		t.Fatal("still known after Invalidate")
	}
	if ttl := rdb.PTTL(ctx, prefix+"pending:o-1").Val(); ttl <= 0 || ttl > time.Minute {
		t.Fatalf("hint TTL = %v", ttl)
	}
}

// A mark decided on cases read before an invalidation, or across a lost
// key (expiry, a flushed Redis), never lands.
func TestPendingHintStaleMarkRefused(t *testing.T) {
	rdb, prefix := redistest.New(t)
	h := NewPendingHints(rdb, prefix, time.Minute)
	ctx := context.Background()
	_, token := mustCheck(t, h, "o-1")
	if err := h.Invalidate(ctx, "o-1"); err != nil { // a case starts waiting meanwhile
		t.Fatal(err)
	}
	if err := h.MarkNone(ctx, "o-1", token); err != nil {
		t.Fatal(err)
	}
	if none, _ := mustCheck(t, h, "o-1"); none {
		t.Fatal("a mark older than the invalidation landed")
	}
	_, token = mustCheck(t, h, "o-1")
	rdb.Del(ctx, prefix+"pending:o-1") // the key is lost
	if err := h.MarkNone(ctx, "o-1", token); err != nil {
		t.Fatal(err)
	}
	if none, _ := mustCheck(t, h, "o-1"); none {
		t.Fatal("a mark landed on a lost key")
	}
}
