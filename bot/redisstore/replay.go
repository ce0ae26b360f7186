package redisstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"tapline/bot"
)

var _ bot.Replays = (*Replays)(nil)

// Replays is the replay memory every replica shares (bot.Replays): one
// key per signed request header, holding the digest of the message it was
// first used for.
type Replays struct {
	rdb    redis.UniversalClient
	prefix string
}

// NewReplays returns the shared replay memory; keys start with
// prefix+"replay:".
func NewReplays(rdb redis.UniversalClient, prefix string) *Replays {
	return &Replays{rdb: rdb, prefix: prefix + "replay:"}
}

// Bind implements bot.Replays with one SET NX GET: the first use stores
// the digest, a later one reads what the first stored, atomically.
func (r *Replays) Bind(ctx context.Context, key, digest string, ttl time.Duration) (bool, error) {
	ttl = max(ttl, time.Second)
	prev, err := r.rdb.SetArgs(ctx, r.prefix+key, digest, redis.SetArgs{Mode: "NX", Get: true, TTL: ttl}).Result()
	switch {
	case errors.Is(err, redis.Nil):
		return true, nil // the key was new
	case err != nil:
		return false, fmt.Errorf("replay bind: %w", err)
	}
	return prev == digest, nil
}
