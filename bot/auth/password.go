package auth

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/redis/go-redis/v9"
	"golang.org/x/crypto/bcrypt"

	"tapline/models"
)

// Password rules and the failure limit.
const (
	MinPassword    = 10 // characters
	maxPassword    = 72 // bytes: bcrypt ignores the rest
	FailWindow     = 15 * time.Minute
	MaxFailsPerID  = 5  // wrong passwords per person per window
	MaxFailsPerIP  = 20 // wrong passwords per client address per window
	failKeyPerson  = "pwfail:id:"
	failKeyAddress = "pwfail:ip:"
)

// Passwords checks and sets console passwords (bcrypt), counting failures
// in Redis so that guessing is slowed for every replica alike.
type Passwords struct {
	store  models.AuthService
	rdb    redis.UniversalClient
	prefix string
	cost   int
	dummy  []byte // a hash compared against for unknown people (same timing)
}

// NewPasswords returns the password checker; cost is the bcrypt cost (0:
// bcrypt.DefaultCost).
func NewPasswords(store models.AuthService, rdb redis.UniversalClient, prefix string, cost int) *Passwords {
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	dummy, _ := bcrypt.GenerateFromPassword([]byte("tapline-no-such-account"), cost)
	return &Passwords{store: store, rdb: rdb, prefix: prefix, cost: cost, dummy: dummy}
}

// Set validates and stores staffID's new password. Returns EINVALID when it
// is too short or too long.
func (p *Passwords) Set(ctx context.Context, staffID, password string) error {
	if utf8.RuneCountInString(password) < MinPassword || len(password) > maxPassword {
		return models.Errorf(models.EINVALID, "密码须为 %d 到 %d 个字符。", MinPassword, maxPassword)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), p.cost)
	if err != nil {
		return fmt.Errorf("auth: hash password: %w", err)
	}
	return p.store.SetPasswordHash(ctx, staffID, string(hash))
}

// Check verifies staffID's password from client address addr. Returns
// EFORBIDDEN once the person or the address had too many failures in the
// window (before comparing anything), EINVALID for a wrong ID or password
// (one message for both: it does not tell which IDs exist).
func (p *Passwords) Check(ctx context.Context, staffID, password, addr string) error {
	idKey, ipKey := p.prefix+failKeyPerson+staffID, p.prefix+failKeyAddress+addr
	counts, err := p.rdb.MGet(ctx, idKey, ipKey).Result()
	if err != nil {
		return unavailable("auth: password limit", err)
	}
	if atLeast(counts[0], MaxFailsPerID) || atLeast(counts[1], MaxFailsPerIP) {
		return models.Errorf(models.EFORBIDDEN, "密码错误次数过多，已暂停密码登录 %d 分钟。请稍后再试，或在企业微信/钉钉给机器人发送“登录”获取登录链接。",
			int(FailWindow.Minutes()))
	}
	hash := p.dummy
	a, err := p.store.FindAccount(ctx, staffID)
	switch models.ErrorCode(err) {
	case "":
		hash = []byte(a.PasswordHash)
	case models.ENOTFOUND:
	default:
		return err
	}
	cmpErr := bcrypt.CompareHashAndPassword(hash, []byte(password))
	if err == nil && cmpErr == nil {
		_ = p.rdb.Del(ctx, idKey).Err()
		return nil
	}
	if cmpErr != nil && !errors.Is(cmpErr, bcrypt.ErrMismatchedHashAndPassword) && err == nil {
		return fmt.Errorf("auth: compare password: %w", cmpErr)
	}
	p.fail(ctx, idKey, ipKey)
	return errWrongPassword
}

var errWrongPassword = models.Errorf(models.EINVALID, "工号或密码不正确。连续错误 %d 次将暂停密码登录 %d 分钟。",
	MaxFailsPerID, int(FailWindow.Minutes()))

// fail counts one failure on both keys; the window starts at the first.
func (p *Passwords) fail(ctx context.Context, keys ...string) {
	pipe := p.rdb.TxPipeline()
	for _, k := range keys {
		pipe.Incr(ctx, k)
		pipe.ExpireNX(ctx, k, FailWindow)
	}
	_, _ = pipe.Exec(ctx)
}

func atLeast(v any, n int) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	var got int
	_, err := fmt.Sscan(s, &got)
	return err == nil && got >= n
}
