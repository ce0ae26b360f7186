package bot

import (
	"context"
	"errors"
	"testing"
	"time"
)

type stepClock struct{ t time.Time }

func (c *stepClock) Now() time.Time { return c.t }

func TestLocalReplaysBindOnce(t *testing.T) {
	clock := &stepClock{time.Unix(1700000000, 0)}
	r := NewLocalReplays(clock, 2)
	ctx := context.Background()
	steps := []struct {
		name        string
		key, digest string
		advance     time.Duration
		want        bool
		wantErr     error
	}{
		{"first use", "k1", "body-a", 0, true, nil},
		{"same body again (a retry)", "k1", "body-a", 0, true, nil},
		{"same header, other body", "k1", "body-b", 0, false, nil},
		{"another header", "k2", "body-b", 0, true, nil},
		{"full: a third key is refused, not forgotten", "k3", "body-c", 0, false, ErrReplaysFull},
		{"still bound before expiry", "k1", "body-b", 59 * time.Second, false, nil},
		{"expired keys make room", "k3", "body-c", 2 * time.Second, true, nil},
		{"an expired key is new again", "k1", "body-b", 0, true, nil},
	}
	for _, s := range steps {
		clock.t = clock.t.Add(s.advance)
		ok, err := r.Bind(ctx, s.key, s.digest, time.Minute)
		if ok != s.want || !errors.Is(err, s.wantErr) {
			t.Fatalf("%s: Bind = %v, %v; want %v, %v", s.name, ok, err, s.want, s.wantErr)
		}
	}
}
