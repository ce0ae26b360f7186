package auth

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"

	"tapline/models"
)

// LinkTTL is how long a sign-in link is valid (issue 6: 10 minutes).
const LinkTTL = 10 * time.Minute

// Links issues and redeems one-time sign-in links. Redis keeps each
// link's token under its SHA-256 for LinkTTL; redeeming takes it with one
// atomic GETDEL, so of two uses at once only one signs in.
type Links struct {
	rdb    redis.UniversalClient
	prefix string
	ttl    time.Duration
}

// NewLinks returns a link store; keys start with prefix+"link:".
func NewLinks(rdb redis.UniversalClient, prefix string) *Links {
	return &Links{rdb: rdb, prefix: prefix + "link:", ttl: LinkTTL}
}

// Issue returns a new one-time token for staffID.
func (l *Links) Issue(ctx context.Context, staffID string) (string, error) {
	token := RandomToken(32)
	if err := l.rdb.Set(ctx, l.prefix+Digest(token), staffID, l.ttl).Err(); err != nil {
		return "", unavailable("auth: issue link", err)
	}
	return token, nil
}

// Redeem returns the staff ID of the link and makes it unusable. A used
// link and an expired or unknown one are refused (EINVALID) with a message
// that says which.
func (l *Links) Redeem(ctx context.Context, token string) (string, error) {
	if token == "" || len(token) > 128 {
		return "", errLinkUnknown
	}
	key := l.prefix + Digest(token)
	staffID, err := l.rdb.GetDel(ctx, key).Result()
	switch {
	case errors.Is(err, redis.Nil):
		if n, err := l.rdb.Exists(ctx, key+":used").Result(); err == nil && n > 0 {
			return "", errLinkUsed
		}
		return "", errLinkUnknown
	case err != nil:
		return "", unavailable("auth: redeem link", err)
	}
	// Remembered for as long as the link could have lived, to say "used"
	// rather than "expired" to a second click.
	_ = l.rdb.Set(ctx, key+":used", "1", l.ttl).Err()
	return staffID, nil
}

var (
	errLinkUsed = models.Errorf(models.EINVALID,
		"这个登录链接已经使用过：每个链接只能登录一次。请在企业微信或钉钉中给机器人发送“登录”获取新链接。")
	errLinkUnknown = models.Errorf(models.EINVALID,
		"这个登录链接已过期或无效：链接 10 分钟内有效。请在企业微信或钉钉中给机器人发送“登录”获取新链接。")
)
