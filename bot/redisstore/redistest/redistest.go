// Package redistest gives tests a Redis client: the real server named by
// TAPLINE_TEST_REDIS_ADDR (as in CI), or an in-process miniredis.
package redistest

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// New returns a client and a key prefix unique to this test. Tests never
// flush: other packages share the real server at the same time.
func New(tb testing.TB) (*redis.Client, string) {
	tb.Helper()
	addr := os.Getenv("TAPLINE_TEST_REDIS_ADDR")
	if addr == "" {
		m := miniredis.RunT(tb)
		addr = m.Addr()
	}
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	tb.Cleanup(func() { _ = rdb.Close() })
	if err := rdb.Ping(tb.Context()).Err(); err != nil {
		tb.Fatalf("redis at %s: %v", addr, err)
	}
	return rdb, Prefix(tb)
}

// Prefix returns a random key prefix like "t3f9a…:".
func Prefix(tb testing.TB) string {
	tb.Helper()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		tb.Fatal(err)
	}
	return "t" + hex.EncodeToString(b) + ":"
}
