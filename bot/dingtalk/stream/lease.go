package stream

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// Lease decides which replica holds an app's Stream connection: a Redis
// key SET NX PX with this replica's random owner ID, renewed while held.
// A replica that dies stops renewing and another takes the key when it
// expires.
type Lease struct {
	rdb   redis.UniversalClient
	key   string
	owner string
	ttl   time.Duration
}

// renewScript extends the lease only if this owner still holds it.
var renewScript = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("PEXPIRE", KEYS[1], ARGV[2]) end return 0`)

// releaseScript deletes the lease only if this owner holds it.
var releaseScript = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`)

// NewLease returns the lease key prefix+"dingtalk:stream:lease:"+clientID
// with a time to live of ttl.
func NewLease(rdb redis.UniversalClient, prefix, clientID string, ttl time.Duration) *Lease {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return &Lease{rdb: rdb, key: prefix + "dingtalk:stream:lease:" + clientID, owner: hex.EncodeToString(b), ttl: ttl}
}

// Acquire takes the lease if nobody holds it; true when this owner holds
// it now.
func (l *Lease) Acquire(ctx context.Context) (bool, error) {
	ok, err := l.rdb.SetNX(ctx, l.key, l.owner, l.ttl).Result()
	if err != nil {
		return false, err
	}
	return ok, nil
}

// Renew extends a held lease; false when it was lost (expired and taken).
func (l *Lease) Renew(ctx context.Context) (bool, error) {
	n, err := renewScript.Run(ctx, l.rdb, []string{l.key}, l.owner, l.ttl.Milliseconds()).Int()
	if err != nil && !errors.Is(err, redis.Nil) {
		return false, err
	}
	return n == 1, nil
}

// Release gives a held lease up so another replica takes over at once.
func (l *Lease) Release(ctx context.Context) error {
	err := releaseScript.Run(ctx, l.rdb, []string{l.key}, l.owner).Err()
	if errors.Is(err, redis.Nil) {
		return nil
	}
	return err
}
