package redisstore

import (
	"context"
	"fmt"
	"sync"

	"github.com/redis/go-redis/v9"

	"tapline/bot"
)

// Prefetcher is a store whose first read for the sender of an update can
// ride on the dedupe claim's round trip (Dedupe.WithPrefetch): the claim,
// then each store's read, go in one pipeline, and the replies travel in
// the context to the store's first read. DialogStore and PendingHints are
// Prefetchers.
type Prefetcher interface {
	// prefetch queues the store's first read for u on p and returns its
	// key and command; nil when the store reads nothing for u.
	prefetch(ctx context.Context, p redis.Pipeliner, u bot.Update) (string, redis.Cmder)
}

// prefetchedKey is the context key of the prefetched replies.
type prefetchedKey struct{}

// prefetched holds the replies of one claim's pipeline by Redis key; each
// is taken once, so a store's later reads (a retried step) go to Redis.
type prefetched struct {
	mu   sync.Mutex
	cmds map[string]redis.Cmder
}

// takePrefetched returns the prefetched reply of key and forgets it; nil
// when there is none (no prefetch, or already taken).
func takePrefetched(ctx context.Context, key string) redis.Cmder {
	p, _ := ctx.Value(prefetchedKey{}).(*prefetched)
	if p == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	cmd := p.cmds[key]
	delete(p.cmds, key)
	return cmd
}

// WithPrefetch makes ClaimFor read, in the claim's round trip, what ps
// will first read for the update's sender. It returns d.
func (d *Dedupe) WithPrefetch(ps ...Prefetcher) *Dedupe {
	d.prefetchers = append(d.prefetchers, ps...)
	return d
}

// ClaimFor is Claim for the delivery of u, pipelined with the first reads
// of the Prefetchers: one round trip instead of one each. The returned
// context carries those reads for the step; a reply the stores cannot use
// (an error, or the context of a retry, which never runs the step) makes
// them read again, so prefetching changes no outcome.
func (d *Dedupe) ClaimFor(ctx context.Context, key string, u bot.Update) (context.Context, bool, error) {
	if len(d.prefetchers) == 0 {
		ok, err := d.Claim(ctx, key)
		return ctx, ok, err
	}
	var claim *redis.BoolCmd
	cmds := map[string]redis.Cmder{}
	_, _ = d.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		claim = p.SetNX(ctx, d.prefix+key, pending, d.ttlOf(key))
		for _, pf := range d.prefetchers {
			if k, cmd := pf.prefetch(ctx, p, u); cmd != nil {
				cmds[k] = cmd
			}
		}
		return nil
	}) // each command's own error is looked at where it is used
	if err := claim.Err(); err != nil {
		return ctx, false, fmt.Errorf("dedupe claim: %w", err)
	}
	if !claim.Val() {
		return ctx, false, nil
	}
	return context.WithValue(ctx, prefetchedKey{}, &prefetched{cmds: cmds}), true, nil
}
