package redisstore

import (
	"context"
	"sync"
	"testing"
	"time"

	"tapline/bot/redisstore/redistest"
	"tapline/bot/wecom"
)

// TestCardCodesOnce: codes come back oldest first, each to one taker only
// (two replicas taking at once), and expired ones are dropped.
func TestCardCodesOnce(t *testing.T) {
	rdb, prefix := redistest.New(t)
	s := NewCardCodes(rdb, prefix)
	ctx := context.Background()
	now := time.Now()
	for i, c := range []wecom.CardCode{
		{TaskID: "t", Code: "old", At: now.Add(-73 * time.Hour)},
		{TaskID: "t", Code: "a", At: now.Add(-time.Hour)},
		{TaskID: "t", Code: "b", At: now},
	} {
		if err := s.Put(ctx, "major_TS1|gm", c); err != nil {
			t.Fatalf("put %d: %v", i, err)
		}
	}
	var mu sync.Mutex
	var got []string
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, ok, err := s.Take(ctx, "major_TS1|gm", now.Add(-72*time.Hour))
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				got = append(got, c.Code)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(got) != 2 || (got[0] != "a" && got[1] != "a") || (got[0] != "b" && got[1] != "b") {
		t.Fatalf("taken %v, want a and b once each", got)
	}
	if _, ok, _ := s.Take(ctx, "major_TS1|leader.b", now); ok {
		t.Fatal("another target's card has no codes")
	}
}
