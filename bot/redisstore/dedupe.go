// Package redisstore holds the Redis-backed stores shared by all replicas:
// dialog sessions, webhook dedupe and the passive replies of retried
// deliveries.
package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Dedupe remembers which inbound messages were already taken, and the reply
// given, so that a platform's retry of the same message never runs twice
// (ARCHITECTURE reliability rules; WeChat retries up to three times).
type Dedupe struct {
	rdb         redis.UniversalClient
	prefix      string
	ttl         time.Duration
	ttls        map[string]time.Duration // by platform: the first part of a key
	poll        time.Duration
	prefetchers []Prefetcher // read in ClaimFor's round trip (prefetch.go)
}

// NewDedupe returns a Dedupe keeping keys for ttl (WeChat retries within
// 15 s; keep at least a few minutes).
func NewDedupe(rdb redis.UniversalClient, prefix string, ttl time.Duration) *Dedupe {
	return &Dedupe{rdb: rdb, prefix: prefix + "dedupe:", ttl: ttl, ttls: map[string]time.Duration{}, poll: 50 * time.Millisecond}
}

// WithPlatformTTL keeps the keys of one platform (keys "platform:…", as
// bot.Update.DedupeKey makes them) for ttl instead: at least as long as
// that platform's signature window, so that a request whose signature is
// still accepted is still recognised. Call it while wiring.
func (d *Dedupe) WithPlatformTTL(platform string, ttl time.Duration) *Dedupe {
	d.ttls[platform] = ttl
	return d
}

// ttlOf returns how long key is kept.
func (d *Dedupe) ttlOf(key string) time.Duration {
	platform, _, _ := strings.Cut(key, ":")
	if ttl, ok := d.ttls[platform]; ok {
		return ttl
	}
	return d.ttl
}

const pending = "pending"

// Claim marks key as being processed. It returns true for the first
// delivery and false for a retry.
func (d *Dedupe) Claim(ctx context.Context, key string) (bool, error) {
	ok, err := d.rdb.SetNX(ctx, d.prefix+key, pending, d.ttlOf(key)).Result()
	if err != nil {
		return false, fmt.Errorf("dedupe claim: %w", err)
	}
	return ok, nil
}

// Complete stores the reply given to key, for retries to repeat.
func (d *Dedupe) Complete(ctx context.Context, key, reply string) error {
	if err := d.rdb.Set(ctx, d.prefix+key, "done:"+reply, d.ttlOf(key)).Err(); err != nil {
		return fmt.Errorf("dedupe complete: %w", err)
	}
	return nil
}

// Release forgets key so a retry is processed afresh (the first attempt
// failed before doing anything).
func (d *Dedupe) Release(ctx context.Context, key string) error {
	return d.rdb.Del(ctx, d.prefix+key, d.prefix+key+":delivered").Err()
}

// Wait polls until the first delivery of key has completed or ctx ends. It
// returns the stored reply and true, or "" and false on timeout.
func (d *Dedupe) Wait(ctx context.Context, key string) (string, bool) {
	for {
		v, err := d.rdb.Get(ctx, d.prefix+key).Result()
		if err == nil && strings.HasPrefix(v, "done:") {
			return strings.TrimPrefix(v, "done:"), true
		}
		if err != nil && !errors.Is(err, redis.Nil) {
			return "", false
		}
		select {
		case <-ctx.Done():
			return "", false
		case <-time.After(d.poll):
		}
	}
}

// How a key's reply reached the sender, kept under key+":delivered".
const (
	// deliveredPassive: in an HTTP response (WeChat, WeCom). The platform
	// shows the answer to the one attempt it still waits for, so every
	// retry's response may repeat it.
	deliveredPassive = "passive"
	// deliveredSent: as a message of its own (a customer-service message,
	// a DingTalk session reply): never again.
	deliveredSent = "sent"
)

// TakeDelivery returns true to exactly one caller per key, and only if no
// passive reply took it first: a message of its own (the late
// customer-service message of a slow first attempt, a DingTalk reply) is
// sent once, and never after a retry's passive reply delivered the answer.
func (d *Dedupe) TakeDelivery(ctx context.Context, key string) (bool, error) {
	ok, err := d.rdb.SetNX(ctx, d.prefix+key+":delivered", deliveredSent, d.ttlOf(key)).Result()
	if err != nil {
		return false, fmt.Errorf("dedupe delivery: %w", err)
	}
	return ok, nil
}

// TakePassive returns true unless the answer was already sent as a
// message of its own: a passive reply (the first attempt's, or a retry's
// repeating it) may be given any number of times.
func (d *Dedupe) TakePassive(ctx context.Context, key string) (bool, error) {
	prev, err := d.rdb.SetArgs(ctx, d.prefix+key+":delivered", deliveredPassive,
		redis.SetArgs{Mode: "NX", Get: true, TTL: d.ttlOf(key)}).Result()
	switch {
	case errors.Is(err, redis.Nil):
		return true, nil
	case err != nil:
		return false, fmt.Errorf("dedupe delivery: %w", err)
	}
	return prev == deliveredPassive, nil
}

// CompleteAndTake is Complete followed by TakePassive (passive) or
// TakeDelivery in one round trip (a pipeline: Redis runs them in this
// order, as if sent one by one). took is meaningful only when err is nil.
func (d *Dedupe) CompleteAndTake(ctx context.Context, key, reply string, passive bool) (took bool, err error) {
	kind := deliveredSent
	if passive {
		kind = deliveredPassive
	}
	var take *redis.StatusCmd
	_, err = d.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, d.prefix+key, "done:"+reply, d.ttlOf(key))
		take = p.SetArgs(ctx, d.prefix+key+":delivered", kind, redis.SetArgs{Mode: "NX", Get: true, TTL: d.ttlOf(key)})
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return false, fmt.Errorf("dedupe complete: %w", err)
	}
	prev, err := take.Result()
	if errors.Is(err, redis.Nil) {
		return true, nil
	}
	return passive && err == nil && prev == deliveredPassive, nil
}
