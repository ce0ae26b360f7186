package wechat

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// testRedis returns a client on TAPLINE_TEST_REDIS_ADDR, or on an
// in-process miniredis, and a random key prefix for this test.
func testRedis(tb testing.TB) (*redis.Client, string) {
	tb.Helper()
	addr := os.Getenv("TAPLINE_TEST_REDIS_ADDR")
	if addr == "" {
		addr = miniredis.RunT(tb).Addr()
	}
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	tb.Cleanup(func() { _ = rdb.Close() })
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return rdb, "tapline-test:wechat:" + hex.EncodeToString(b) + ":"
}

func TestRedisCache(t *testing.T) {
	rdb, prefix := testRedis(t)
	c := NewRedisCache(rdb, prefix)
	t.Cleanup(func() { _ = c.Delete("k") })

	if got := c.Get("k"); got != nil {
		t.Fatalf("Get absent = %#v, want nil", got)
	}
	if c.IsExist("k") {
		t.Fatal("IsExist absent = true")
	}
	if err := c.Set("k", "token-1", time.Minute); err != nil {
		t.Fatalf("Set: %v", err)
	}
	if got, ok := c.Get("k").(string); !ok || got != "token-1" {
		t.Fatalf("Get = %#v", c.Get("k"))
	}
	if !c.IsExist("k") {
		t.Fatal("IsExist = false")
	}
	if ttl := rdb.TTL(t.Context(), prefix+"k").Val(); ttl <= 0 || ttl > time.Minute {
		t.Fatalf("ttl = %v (key must be stored under the prefix with the timeout)", ttl)
	}
	if err := c.Delete("k"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if c.Get("k") != nil || c.IsExist("k") {
		t.Fatal("key survived Delete")
	}
	if err := c.Delete("k"); err != nil {
		t.Fatalf("Delete absent: %v", err)
	}
}

func TestRedisCacheDown(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: 100 * time.Millisecond})
	t.Cleanup(func() { _ = rdb.Close() })
	c := NewRedisCache(rdb, "x:")
	if c.Get("k") != nil || c.IsExist("k") {
		t.Fatal("unreachable redis: want nil / false")
	}
	if c.Set("k", "v", time.Second) == nil || c.Delete("k") == nil {
		t.Fatal("unreachable redis: want errors")
	}
}
