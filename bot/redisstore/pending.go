package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"tapline/bot"
)

// PendingHints implements casework.PendingHint in Redis: one hash per
// resident under <prefix>pending:<residentID> with a generation token in
// field "gen" and, once the cases were read and nothing waited for the
// resident, field "none". Invalidate replaces the token, so a MarkNone
// decided on cases read before an invalidation never lands; and a token
// that vanished (expiry, a flushed Redis) matches nothing, so a lost key
// only costs the query again. Every write renews the key's TTL.
type PendingHints struct {
	rdb    redis.UniversalClient
	prefix string
	ttl    time.Duration
}

// NewPendingHints returns hints kept for ttl after the last change.
func NewPendingHints(rdb redis.UniversalClient, prefix string, ttl time.Duration) *PendingHints {
	return &PendingHints{rdb: rdb, prefix: prefix + "pending:", ttl: ttl}
}

// checkScript: KEYS[1] the hint; ARGV a fresh token, TTL ms. Returns
// {none, token}: the stored token, or ARGV[1] stored now when none was.
var checkScript = redis.NewScript(`
local v = redis.call('HMGET', KEYS[1], 'none', 'gen')
if v[2] then return v end
redis.call('HSET', KEYS[1], 'gen', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {false, ARGV[1]}
`)

// markScript: KEYS[1] the hint; ARGV token, TTL ms. Sets "none" only while
// the token is still the stored one; returns 1 when set.
var markScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'gen') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'none', '1')
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`)

// invalidateScript: KEYS[1] the hint; ARGV a fresh token, TTL ms.
var invalidateScript = redis.NewScript(`
redis.call('HDEL', KEYS[1], 'none')
redis.call('HSET', KEYS[1], 'gen', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`)

func (h *PendingHints) key(residentID string) string { return h.prefix + residentID }

// Check reports whether the resident is known to have nothing pending, and
// the token MarkNone needs otherwise. It uses the read prefetched with the
// dedupe claim (Dedupe.ClaimFor) when that found a token; else it runs
// checkScript, which stores one.
func (h *PendingHints) Check(ctx context.Context, residentID string) (bool, string, error) {
	key := h.key(residentID)
	if cmd, ok := takePrefetched(ctx, key).(*redis.SliceCmd); ok && cmd.Err() == nil && len(cmd.Val()) == 2 {
		if token, _ := cmd.Val()[1].(string); token != "" {
			return cmd.Val()[0] == "1", token, nil
		}
	}
	return parseCheck(checkScript.Run(ctx, h.rdb, []string{key}, newToken(), h.ttl.Milliseconds()))
}

// parseCheck reads checkScript's reply.
func parseCheck(cmd *redis.Cmd) (bool, string, error) {
	vals, err := cmd.Slice()
	if err != nil {
		return false, "", fmt.Errorf("pending hint check: %w", err)
	}
	if len(vals) != 2 {
		return false, "", errors.New("pending hint check: unexpected reply")
	}
	token, _ := vals[1].(string)
	return vals[0] == "1", token, nil
}

// MarkNone records that nothing waits for the resident, unless the hint was
// invalidated after Check returned token.
func (h *PendingHints) MarkNone(ctx context.Context, residentID, token string) error {
	err := markScript.Run(ctx, h.rdb, []string{h.key(residentID)}, token, h.ttl.Milliseconds()).Err()
	if err != nil {
		return fmt.Errorf("pending hint mark: %w", err)
	}
	return nil
}

// Invalidate forgets that nothing waits for the resident.
func (h *PendingHints) Invalidate(ctx context.Context, residentID string) error {
	err := invalidateScript.Run(ctx, h.rdb, []string{h.key(residentID)}, newToken(), h.ttl.Milliseconds()).Err()
	if err != nil {
		return fmt.Errorf("pending hint invalidate: %w", err)
	}
	return nil
}

// prefetch implements Prefetcher: the hint of a WeChat resident, read
// with a plain HMGET (no script on the common path: cheaper on Redis and
// far cheaper on the embedded miniredis, which starts a Lua VM per call).
func (h *PendingHints) prefetch(ctx context.Context, p redis.Pipeliner, u bot.Update) (string, redis.Cmder) {
	if u.Platform != bot.PlatformWeChat || u.SenderID == "" {
		return "", nil
	}
	key := h.key(u.SenderID)
	return key, p.HMGet(ctx, key, "none", "gen")
}

// newToken returns a random generation token.
func newToken() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
