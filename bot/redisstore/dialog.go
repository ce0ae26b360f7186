package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"tapline/bot"
	"tapline/bot/dialog"
	"tapline/models"
)

// DialogStore keeps resident dialog sessions in Redis, one hash per
// resident under <prefix>dialog:<residentID> with the version in field "v"
// and the session JSON in field "d". Saves are compare-version-and-set with
// the expiry, in one Lua script, so two replicas handling two messages of
// one resident never overwrite each other (ARCHITECTURE scale-out).
type DialogStore struct {
	rdb    redis.UniversalClient
	prefix string
}

var _ dialog.Store = (*DialogStore)(nil)

// NewDialogStore returns a DialogStore whose keys start with prefix.
func NewDialogStore(rdb redis.UniversalClient, prefix string) *DialogStore {
	return &DialogStore{rdb: rdb, prefix: prefix + "dialog:"}
}

// saveScript: KEYS[1] the session key; ARGV expected version, new version,
// session JSON, TTL in milliseconds. Returns 1 when saved, 0 on a version
// mismatch. A missing key has version 0.
var saveScript = redis.NewScript(`
local cur = redis.call('HGET', KEYS[1], 'v')
if not cur then cur = '0' end
if cur ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'd', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
`)

func (s *DialogStore) key(residentID string) string { return s.prefix + residentID }

// Load returns the resident's session, or nil when there is none. The
// first Load of a step uses the read prefetched with the dedupe claim
// (Dedupe.ClaimFor) when there is one.
func (s *DialogStore) Load(ctx context.Context, residentID string) (*dialog.Session, error) {
	key := s.key(residentID)
	cmd, ok := takePrefetched(ctx, key).(*redis.SliceCmd)
	if !ok || cmd.Err() != nil {
		cmd = s.rdb.HMGet(ctx, key, "v", "d")
	}
	vals, err := cmd.Result()
	if err != nil {
		return nil, fmt.Errorf("dialog store load: %w", err)
	}
	v, _ := vals[0].(string)
	d, _ := vals[1].(string)
	if d == "" {
		return nil, nil
	}
	var sess dialog.Session
	if err := json.Unmarshal([]byte(d), &sess); err != nil {
		return nil, fmt.Errorf("dialog store load: decode: %w", err)
	}
	if sess.Version, err = strconv.ParseInt(v, 10, 64); err != nil {
		return nil, fmt.Errorf("dialog store load: version %q: %w", v, err)
	}
	return &sess, nil
}

// prefetch implements Prefetcher: a WeChat resident's session.
func (s *DialogStore) prefetch(ctx context.Context, p redis.Pipeliner, u bot.Update) (string, redis.Cmder) {
	if u.Platform != bot.PlatformWeChat || u.SenderID == "" {
		return "", nil
	}
	key := s.key(u.SenderID)
	return key, p.HMGet(ctx, key, "v", "d")
}

// Save stores sess if the stored version still equals sess.Version, sets
// the expiry to ttl and bumps sess.Version. Returns ECONFLICT when another
// save came first.
func (s *DialogStore) Save(ctx context.Context, sess *dialog.Session, ttl time.Duration) error {
	if ttl < time.Millisecond {
		return models.Errorf(models.EINVALID, "A dialog session needs a positive TTL.")
	}
	next := *sess
	next.Version = sess.Version + 1
	b, err := json.Marshal(&next)
	if err != nil {
		return fmt.Errorf("dialog store save: encode: %w", err)
	}
	ok, err := saveScript.Run(ctx, s.rdb, []string{s.key(sess.ResidentID)},
		sess.Version, next.Version, b, ttl.Milliseconds()).Int()
	if err != nil {
		return fmt.Errorf("dialog store save: %w", err)
	}
	if ok != 1 {
		return models.Errorf(models.ECONFLICT, "The dialog session changed meanwhile.")
	}
	sess.Version = next.Version
	return nil
}

// Delete removes the resident's session; deleting none is no error.
func (s *DialogStore) Delete(ctx context.Context, residentID string) error {
	if err := s.rdb.Del(ctx, s.key(residentID)).Err(); err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("dialog store delete: %w", err)
	}
	return nil
}
