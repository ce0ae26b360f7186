package redisstore

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tapline/bot/redisstore/redistest"
)

func TestDedupeClaimOnce(t *testing.T) {
	rdb, prefix := redistest.New(t)
	d := NewDedupe(rdb, prefix, time.Minute)
	ctx := context.Background()
	var firsts atomic.Int32
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ok, err := d.Claim(ctx, "wechat:o1:42"); err != nil {
				t.Error(err)
			} else if ok {
				firsts.Add(1)
			}
		}()
	}
	wg.Wait()
	if firsts.Load() != 1 {
		t.Fatalf("first claims = %d, want 1", firsts.Load())
	}
}

func TestDedupeRetryGetsTheSameReply(t *testing.T) {
	rdb, prefix := redistest.New(t)
	d := NewDedupe(rdb, prefix, time.Minute)
	ctx := context.Background()
	if ok, _ := d.Claim(ctx, "k"); !ok {
		t.Fatal("first claim refused")
	}
	short, cancel := context.WithTimeout(ctx, 120*time.Millisecond)
	defer cancel()
	if _, done := d.Wait(short, "k"); done {
		t.Fatal("wait returned before completion")
	}
	go func() { _ = d.Complete(ctx, "k", "已受理 TS1") }()
	long, cancel2 := context.WithTimeout(ctx, 3*time.Second)
	defer cancel2()
	if reply, done := d.Wait(long, "k"); !done || reply != "已受理 TS1" {
		t.Fatalf("wait = %q, %v", reply, done)
	}
	if ok, _ := d.Claim(ctx, "k"); ok {
		t.Fatal("completed key claimed again")
	}
	a, _ := d.TakeDelivery(ctx, "k")
	b, _ := d.TakeDelivery(ctx, "k")
	if !a || b {
		t.Fatalf("delivery taken %v then %v", a, b)
	}
	if err := d.Release(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := d.Claim(ctx, "k"); !ok {
		t.Fatal("released key not claimable")
	}
}

func TestDedupeRedisDown(t *testing.T) {
	rdb, prefix := redistest.New(t)
	d := NewDedupe(rdb, prefix, time.Minute)
	_ = rdb.Close()
	if _, err := d.Claim(context.Background(), "k"); err == nil {
		t.Fatal("claim on a closed client succeeded")
	}
}

func TestDedupeCompleteAndTake(t *testing.T) {
	rdb, prefix := redistest.New(t)
	d := NewDedupe(rdb, prefix, time.Minute)
	ctx := context.Background()
	for _, tc := range []struct {
		name      string
		takenBy   bool // a retry's passive reply took the delivery first
		wantTaken bool
	}{
		{"first attempt delivers", false, true},
		{"retry delivered first", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := "k-" + tc.name
			if ok, _ := d.Claim(ctx, key); !ok {
				t.Fatal("first claim refused")
			}
			if tc.takenBy {
				if ok, _ := d.TakeDelivery(ctx, key); !ok {
					t.Fatal("retry could not take the delivery")
				}
			}
			took, err := d.CompleteAndTake(ctx, key, "已受理 TS1")
			if err != nil || took != tc.wantTaken {
				t.Fatalf("CompleteAndTake = %v, %v; want %v", took, err, tc.wantTaken)
			}
			if reply, done := d.Wait(ctx, key); !done || reply != "已受理 TS1" {
				t.Fatalf("wait = %q, %v", reply, done)
			}
			if again, _ := d.TakeDelivery(ctx, key); again {
				t.Fatal("delivery taken twice")
			}
		})
	}
}

// A platform whose signatures stay valid longer (DingTalk: one hour) has
// its keys kept at least that long; the others keep the default.
func TestDedupePlatformTTL(t *testing.T) {
	rdb, prefix := redistest.New(t)
	d := NewDedupe(rdb, prefix, 10*time.Minute).WithPlatformTTL("dingtalk", 2*time.Hour)
	ctx := context.Background()
	for _, key := range []string{"dingtalk:s1:m1", "wechat:o1:1"} {
		if ok, err := d.Claim(ctx, key); !ok || err != nil {
			t.Fatal(ok, err)
		}
		if _, err := d.CompleteAndTake(ctx, key, "r"); err != nil {
			t.Fatal(err)
		}
	}
	for key, want := range map[string]time.Duration{"dingtalk:s1:m1": 2 * time.Hour, "dingtalk:s1:m1:delivered": 2 * time.Hour,
		"wechat:o1:1": 10 * time.Minute, "wechat:o1:1:delivered": 10 * time.Minute} {
		if got := rdb.TTL(ctx, prefix+"dedupe:"+key).Val(); got <= want-time.Minute || got > want {
			t.Errorf("%s kept %v, want %v", key, got, want)
		}
	}
}
