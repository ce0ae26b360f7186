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
			took, err := d.CompleteAndTake(ctx, key, "已受理 TS1", false)
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
		if _, err := d.CompleteAndTake(ctx, key, "r", true); err != nil {
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

// A passive reply may be repeated by every retry's response; an answer
// sent as a message of its own is sent once and never repeated passively.
func TestDedupePassiveAndSentDeliveries(t *testing.T) {
	rdb, prefix := redistest.New(t)
	d := NewDedupe(rdb, prefix, time.Minute)
	ctx := context.Background()
	take := func(key string, passive bool) bool {
		t.Helper()
		var ok bool
		var err error
		if passive {
			ok, err = d.TakePassive(ctx, key)
		} else {
			ok, err = d.TakeDelivery(ctx, key)
		}
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	// The first attempt answered in its response: retries repeat it, no
	// late message follows.
	if took, err := d.CompleteAndTake(ctx, "p", "已受理", true); !took || err != nil {
		t.Fatalf("first passive: %v %v", took, err)
	}
	first, again, late := take("p", true), take("p", true), take("p", false)
	if !first || !again || late {
		t.Fatal("passive reply: retries must repeat it and nothing be sent")
	}
	// The first attempt overran and its answer was sent: retries are silent.
	if first, again, late := take("s", false), take("s", true), take("s", false); !first || again || late {
		t.Fatal("sent reply: once, and never repeated passively")
	}
	if took, _ := d.CompleteAndTake(ctx, "s", "x", true); took {
		t.Fatal("a passive reply after the answer was sent")
	}
	// A retry answered passively before the slow first attempt finished in
	// time: the first may answer too; a late message may not.
	if !take("r", true) {
		t.Fatal("retry passive")
	}
	if took, _ := d.CompleteAndTake(ctx, "r", "x", true); !took || take("r", false) {
		t.Fatal("after a passive retry")
	}
}
