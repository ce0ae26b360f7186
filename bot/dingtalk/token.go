package dingtalk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// defaultTokenLife is used when DingTalk's answer has no expireIn; the
// documented lifetime is 7200 s.
const defaultTokenLife = 7200 * time.Second

// dropScript deletes the cached token only if it is still the rejected one,
// so a replica never drops a fresh token another replica just stored.
var dropScript = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`)

// token returns the cached access token or fetches and caches a new one.
// Replicas fetching at the same time do no harm: within its lifetime
// DingTalk answers with the same token (docs: 有效期内重复获取会返回相同结果).
// A Redis failure is logged and the token fetched directly.
func (a *OpenAPI) token(ctx context.Context) (string, error) {
	tok, err := a.rdb.Get(ctx, a.key).Result()
	switch {
	case err == nil && tok != "":
		return tok, nil
	case err != nil && !errors.Is(err, redis.Nil):
		a.opt.log.WarnContext(ctx, "dingtalk: token cache unavailable", "err", err)
	}
	tok, life, err := a.fetchToken(ctx)
	if err != nil {
		return "", err
	}
	ttl := life - a.opt.margin
	if ttl <= 0 {
		ttl = life / 2
	}
	if ttl > 0 {
		if err := a.rdb.Set(ctx, a.key, tok, ttl).Err(); err != nil {
			a.opt.log.WarnContext(ctx, "dingtalk: token cache set failed", "err", err)
		}
	}
	return tok, nil
}

// fetchToken calls POST /v1.0/oauth2/accessToken {appKey, appSecret} →
// {accessToken, expireIn}.
func (a *OpenAPI) fetchToken(ctx context.Context) (string, time.Duration, error) {
	body := map[string]string{"appKey": a.cfg.AppKey, "appSecret": a.cfg.AppSecret}
	status, data, err := a.call(ctx, "/v1.0/oauth2/accessToken", "", body)
	if err != nil {
		return "", 0, fmt.Errorf("dingtalk access token: %w", err)
	}
	if f := classifyOpenAPI("access token", status, data, a.opt.wait); f != nil {
		if f.auth { // the token endpoint takes no token: bad credentials
			f.err.Permanent = true
		}
		return "", 0, f.wrap()
	}
	var ans struct {
		AccessToken string `json:"accessToken"`
		ExpireIn    int64  `json:"expireIn"` // seconds
	}
	if err := json.Unmarshal(data, &ans); err != nil || ans.AccessToken == "" {
		return "", 0, &OpenAPIError{Op: "access token", Status: status, Msg: "answer without accessToken"}
	}
	life := time.Duration(ans.ExpireIn) * time.Second
	if ans.ExpireIn <= 0 || ans.ExpireIn > 1<<31 {
		life = defaultTokenLife
	}
	a.opt.log.InfoContext(ctx, "dingtalk: fetched access token", "app_key", a.cfg.AppKey, "expire_in", life)
	return ans.AccessToken, life, nil
}

// dropToken removes a token DingTalk rejected from the cache.
func (a *OpenAPI) dropToken(ctx context.Context, tok string) {
	if err := dropScript.Run(ctx, a.rdb, []string{a.key}, tok).Err(); err != nil && !errors.Is(err, redis.Nil) {
		a.opt.log.WarnContext(ctx, "dingtalk: token cache delete failed", "err", err)
	}
}
