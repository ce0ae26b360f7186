package notify

import (
	"context"
	"testing"
	"time"
)

func TestRedisLimiter(t *testing.T) {
	ctx := context.Background()
	rdb, _ := MustRedis(t)
	l := NewRedisLimiter(rdb, randomName("test:rl:")+":")
	t0 := time.Date(2024, 5, 1, 2, 0, 0, 0, time.UTC)
	steps := []struct {
		name    string
		key     string
		at      time.Duration
		n       int // calls at this time
		ok      bool
		retryAt time.Duration
	}{
		{"twenty fit", "a", 0, 20, true, 0},
		{"21st waits for the oldest", "a", time.Second, 1, false, time.Minute},
		{"other key unaffected", "b", time.Second, 1, true, 0},
		{"still full just before", "a", time.Minute - time.Millisecond, 1, false, time.Minute},
		{"window slid", "a", time.Minute, 20, true, 0},
		{"full again", "a", time.Minute, 1, false, 2 * time.Minute},
	}
	for _, s := range steps {
		for i := range s.n {
			ok, retryAt, err := l.Allow(ctx, s.key, t0.Add(s.at))
			if err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			if ok != s.ok || (!ok && !retryAt.Equal(t0.Add(s.retryAt))) {
				t.Fatalf("%s call %d: ok %v retryAt %v, want %v %v", s.name, i, ok, retryAt, s.ok, t0.Add(s.retryAt))
			}
		}
	}
}

func TestRedisLimiterOptions(t *testing.T) {
	rdb, _ := MustRedis(t)
	l := NewRedisLimiter(rdb, randomName("test:rl:")+":", WithLimit(2), WithWindow(10*time.Second))
	t0 := time.Date(2024, 5, 1, 2, 0, 0, 0, time.UTC)
	var oks int
	for range 3 {
		ok, retryAt, err := l.Allow(context.Background(), "k", t0)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			oks++
		} else if !retryAt.Equal(t0.Add(10 * time.Second)) {
			t.Errorf("retryAt %v", retryAt)
		}
	}
	if oks != 2 {
		t.Errorf("%d allowed, want 2", oks)
	}
}

func TestLimitKeyHidesTarget(t *testing.T) {
	k := LimitKey("wecom_robot", testKey)
	if k == LimitKey("wecom_robot", testKey+"x") || len(k) != len("wecom_robot:")+24 {
		t.Errorf("key %q", k)
	}
	if got := MaskTarget(testKey); got != "693a****" {
		t.Errorf("MaskTarget = %q", got)
	}
}
