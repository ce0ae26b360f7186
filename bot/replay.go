package bot

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Replays remembers which message a signed request header was first used
// for. A header whose signature does not cover the body (WeChat's plain
// signature, DingTalk's timestamp sign) could otherwise carry any body for
// as long as its timestamp is in the window. redisstore.Replays shares the
// memory between replicas; LocalReplays keeps it in one process.
type Replays interface {
	// Bind records that key was used for the message with this digest,
	// for ttl. It returns true when key is new, or already bound to the
	// same digest (a platform's retry of the same request), and false
	// when key was used for another message.
	Bind(ctx context.Context, key, digest string, ttl time.Duration) (bool, error)
}

// ErrReplaysFull is returned by LocalReplays.Bind when it holds its
// maximum of unexpired keys: a caller must not act on an unchecked
// request.
var ErrReplaysFull = errors.New("bot: replay memory full")

// LocalReplays is a Replays in process memory, for a single process (tests,
// tools). It holds at most max unexpired keys; beyond that Bind fails
// rather than forget one early. It is safe for concurrent use.
type LocalReplays struct {
	clock Clock
	max   int
	mu    sync.Mutex
	seen  map[string]localReplay
}

type localReplay struct {
	digest string
	until  time.Time
}

// NewLocalReplays returns an empty memory of at most max keys (≤ 0:
// 100 000) on clock (nil: the system clock).
func NewLocalReplays(clock Clock, max int) *LocalReplays {
	if clock == nil {
		clock = SystemClock{}
	}
	if max <= 0 {
		max = 100_000
	}
	return &LocalReplays{clock: clock, max: max, seen: map[string]localReplay{}}
}

// Bind implements Replays.
func (l *LocalReplays) Bind(_ context.Context, key, digest string, ttl time.Duration) (bool, error) {
	now := l.clock.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if r, ok := l.seen[key]; ok && now.Before(r.until) {
		return r.digest == digest, nil
	}
	if len(l.seen) >= l.max {
		for k, r := range l.seen {
			if !now.Before(r.until) {
				delete(l.seen, k)
			}
		}
		if len(l.seen) >= l.max {
			return false, ErrReplaysFull
		}
	}
	l.seen[key] = localReplay{digest: digest, until: now.Add(ttl)}
	return true, nil
}
