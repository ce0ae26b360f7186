package redisstore

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tapline/bot/redisstore/redistest"
)

func TestReplaysBindOnce(t *testing.T) {
	rdb, prefix := redistest.New(t)
	r := NewReplays(rdb, prefix)
	ctx := context.Background()
	for _, s := range []struct {
		key, digest string
		want        bool
	}{
		{"k1", "body-a", true},  // first use
		{"k1", "body-a", true},  // the same request again (a platform retry)
		{"k1", "body-b", false}, // the captured header with another body
		{"k2", "body-b", true},  // another header
	} {
		if ok, err := r.Bind(ctx, s.key, s.digest, time.Minute); err != nil || ok != s.want {
			t.Fatalf("Bind(%s, %s) = %v, %v; want %v", s.key, s.digest, ok, err, s.want)
		}
	}
	if ttl := rdb.TTL(ctx, prefix+"replay:k1").Val(); ttl <= 0 || ttl > time.Minute {
		t.Fatalf("ttl %v", ttl)
	}
}

// Of many replicas binding one header to different bodies at once,
// exactly one wins.
func TestReplaysBindRace(t *testing.T) {
	rdb, prefix := redistest.New(t)
	r := NewReplays(rdb, prefix)
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			ok, err := r.Bind(context.Background(), "hdr", string(rune('a'+i)), time.Minute)
			if err != nil {
				t.Error(err)
			}
			if ok {
				wins.Add(1)
			}
		})
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d bodies accepted for one header", wins.Load())
	}
}

func TestReplaysRedisDown(t *testing.T) {
	rdb, prefix := redistest.New(t)
	r := NewReplays(rdb, prefix)
	_ = rdb.Close()
	if ok, err := r.Bind(context.Background(), "k", "d", time.Minute); err == nil || ok {
		t.Fatalf("Bind with Redis down = %v, %v", ok, err)
	}
}
