package notify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Limiter decides whether one more message may go to a key now. When it
// may not, retryAt says when a slot frees. An error means the limiter could
// not decide; the Deliverer then reschedules shortly (it never drops).
type Limiter interface {
	Allow(ctx context.Context, key string, now time.Time) (ok bool, retryAt time.Time, err error)
}

// Defaults of the RedisLimiter: the group robots take at most 20 messages
// a minute (PLATFORMS.md §2.3, §3.1).
const (
	DefaultLimit  = 20
	DefaultWindow = time.Minute
)

// slidingWindow is an atomic sliding-window log: a sorted set of send
// times per key. It drops entries older than the window, admits if fewer
// than the limit remain, and otherwise returns when the oldest expires.
var slidingWindow = redis.NewScript(`
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], window)
  return {1, 0}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, tonumber(oldest[2]) + window}
`)

// RedisLimiter is a Limiter shared by all replicas: at most Limit messages
// per Window per key, counted in Redis with one atomic script. Times come
// from the caller's clock.
type RedisLimiter struct {
	rdb    redis.UniversalClient
	prefix string
	limit  int
	window time.Duration
}

// LimiterOption configures a RedisLimiter.
type LimiterOption func(*RedisLimiter)

// WithLimit sets the number of messages per window (default DefaultLimit).
func WithLimit(n int) LimiterOption {
	return func(l *RedisLimiter) { l.limit = max(n, 1) }
}

// WithWindow sets the window (default DefaultWindow).
func WithWindow(d time.Duration) LimiterOption {
	return func(l *RedisLimiter) { l.window = d }
}

// NewRedisLimiter returns a RedisLimiter whose keys start with prefix
// (e.g. "tapline:ratelimit:").
func NewRedisLimiter(rdb redis.UniversalClient, prefix string, opts ...LimiterOption) *RedisLimiter {
	l := &RedisLimiter{rdb: rdb, prefix: prefix, limit: DefaultLimit, window: DefaultWindow}
	for _, o := range opts {
		o(l)
	}
	return l
}

// Allow takes a slot for key at now if one is free.
func (l *RedisLimiter) Allow(ctx context.Context, key string, now time.Time) (bool, time.Time, error) {
	member, err := uniqueMember(now)
	if err != nil {
		return false, time.Time{}, err
	}
	res, err := slidingWindow.Run(ctx, l.rdb, []string{l.prefix + key},
		now.UnixMilli(), l.window.Milliseconds(), l.limit, member).Int64Slice()
	if err != nil {
		return false, time.Time{}, fmt.Errorf("rate limit %s: %w", key, err)
	}
	if len(res) != 2 {
		return false, time.Time{}, fmt.Errorf("rate limit %s: unexpected answer %v", key, res)
	}
	if res[0] == 1 {
		return true, time.Time{}, nil
	}
	return false, time.UnixMilli(res[1]).In(now.Location()), nil
}

// uniqueMember names one send in the window: its time plus random bits,
// so sends in the same millisecond stay distinct.
func uniqueMember(now time.Time) (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("rate limit member: %w", err)
	}
	return fmt.Sprintf("%d-%s", now.UnixMilli(), hex.EncodeToString(b[:])), nil
}
