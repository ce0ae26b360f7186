package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"tapline/bot/wecom"
)

// cardCodeTTL keeps a card's codes as long as WeCom accepts them.
const cardCodeTTL = 72 * time.Hour

var _ wecom.CardCodes = (*CardCodes)(nil)

// CardCodes implements wecom.CardCodes in Redis: one list per card and
// target under <prefix>cardcode:<key>, oldest code first, expiring 72
// hours after its last code. LPOP hands each code to one replica only.
type CardCodes struct {
	rdb    redis.UniversalClient
	prefix string
}

// NewCardCodes returns the response-code store.
func NewCardCodes(rdb redis.UniversalClient, prefix string) *CardCodes {
	return &CardCodes{rdb: rdb, prefix: prefix + "cardcode:"}
}

// Put implements wecom.CardCodes.
func (s *CardCodes) Put(ctx context.Context, key string, c wecom.CardCode) error {
	data, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("card codes: %w", err)
	}
	pipe := s.rdb.TxPipeline()
	pipe.RPush(ctx, s.prefix+key, data)
	pipe.Expire(ctx, s.prefix+key, cardCodeTTL)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("card codes: put: %w", err)
	}
	return nil
}

// Take implements wecom.CardCodes; codes issued before notBefore are
// dropped on the way.
func (s *CardCodes) Take(ctx context.Context, key string, notBefore time.Time) (wecom.CardCode, bool, error) {
	for {
		data, err := s.rdb.LPop(ctx, s.prefix+key).Bytes()
		if errors.Is(err, redis.Nil) {
			return wecom.CardCode{}, false, nil
		}
		if err != nil {
			return wecom.CardCode{}, false, fmt.Errorf("card codes: take: %w", err)
		}
		var c wecom.CardCode
		if json.Unmarshal(data, &c) == nil && c.Code != "" && c.At.After(notBefore) {
			return c, true, nil
		}
	}
}
