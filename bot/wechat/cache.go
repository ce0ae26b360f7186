package wechat

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/silenceper/wechat/v2/cache"
)

// RedisCache implements silenceper's cache.Cache (and cache.ContextCache) on
// go-redis v9, so every replica shares one access token.
type RedisCache struct {
	rdb    redis.UniversalClient
	prefix string
}

var _ cache.ContextCache = (*RedisCache)(nil)

// NewRedisCache returns a cache storing keys under prefix (e.g. "tapline:").
func NewRedisCache(rdb redis.UniversalClient, prefix string) *RedisCache {
	return &RedisCache{rdb: rdb, prefix: prefix}
}

// Get returns the stored string, or nil when the key is absent or Redis
// fails (the SDK then fetches a fresh token).
func (c *RedisCache) Get(key string) interface{} {
	return c.GetContext(context.Background(), key)
}

// GetContext is Get with a context.
func (c *RedisCache) GetContext(ctx context.Context, key string) interface{} {
	val, err := c.rdb.Get(ctx, c.prefix+key).Result()
	if err != nil { // redis.Nil or a connection error
		return nil
	}
	return val
}

// Set stores val for timeout (0 = no expiry).
func (c *RedisCache) Set(key string, val interface{}, timeout time.Duration) error {
	return c.SetContext(context.Background(), key, val, timeout)
}

// SetContext is Set with a context.
func (c *RedisCache) SetContext(ctx context.Context, key string, val interface{}, timeout time.Duration) error {
	if err := c.rdb.Set(ctx, c.prefix+key, val, timeout).Err(); err != nil {
		return errors.New("wechat cache: set: " + err.Error())
	}
	return nil
}

// IsExist reports whether key is stored.
func (c *RedisCache) IsExist(key string) bool {
	return c.IsExistContext(context.Background(), key)
}

// IsExistContext is IsExist with a context.
func (c *RedisCache) IsExistContext(ctx context.Context, key string) bool {
	n, err := c.rdb.Exists(ctx, c.prefix+key).Result()
	return err == nil && n > 0
}

// Delete removes key; deleting an absent key is not an error.
func (c *RedisCache) Delete(key string) error {
	return c.DeleteContext(context.Background(), key)
}

// DeleteContext is Delete with a context.
func (c *RedisCache) DeleteContext(ctx context.Context, key string) error {
	if err := c.rdb.Del(ctx, c.prefix+key).Err(); err != nil {
		return errors.New("wechat cache: delete: " + err.Error())
	}
	return nil
}
