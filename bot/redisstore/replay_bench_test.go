package redisstore

import (
	"context"
	"strconv"
	"testing"
	"time"

	"tapline/bot/redisstore/redistest"
)

// BenchmarkReplaysBind is the replay check each WeChat and DingTalk
// webhook now makes, beside BenchmarkDedupeClaim, the dedupe claim each
// already made: one round trip each.
func BenchmarkReplaysBind(b *testing.B) {
	rdb, prefix := redistest.New(b)
	r := NewReplays(rdb, prefix)
	ctx := context.Background()
	i := 0
	for b.Loop() {
		i++
		if _, err := r.Bind(ctx, "k"+strconv.Itoa(i), "d", time.Minute); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDedupeClaim(b *testing.B) {
	rdb, prefix := redistest.New(b)
	d := NewDedupe(rdb, prefix, time.Minute)
	ctx := context.Background()
	i := 0
	for b.Loop() {
		i++
		if _, err := d.Claim(ctx, "k"+strconv.Itoa(i)); err != nil {
			b.Fatal(err)
		}
	}
}
