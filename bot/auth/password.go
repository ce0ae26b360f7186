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
	MaxFailsPerID  = 5  // password attempts per person per window (a right one clears it)
	MaxFailsPerIP  = 20 // wrong passwords per client address per window
	failKeyPerson  = "pwfail:id:"
	failKeyAddress = "pwfail:ip:"
)

// Passwords checks and sets console passwords (bcrypt), counting attempts
// in Redis before comparing, so that guessing is limited for every replica
// alike.
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

// Check verifies staffID's password from client address addr. Every
// attempt is counted first, per person and per address, with one atomic
// INCR each; the counts decide: once either is over its limit in the
// window the attempt is EFORBIDDEN without comparing anything, so parallel
// guesses cannot outrun the count. A right password clears the person's
// count and takes its attempt off the address's. A wrong ID or password is
// EINVALID (one message for both: it does not tell which IDs exist).
func (p *Passwords) Check(ctx context.Context, staffID, password, addr string) error {
	idKey, ipKey := p.prefix+failKeyPerson+staffID, p.prefix+failKeyAddress+addr
	perID, perIP, err := p.count(ctx, idKey, ipKey)
	if err != nil {
		return unavailable("auth: password limit", err)
	}
	if perID > MaxFailsPerID || perIP > MaxFailsPerIP {
		return errTooManyGuesses
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
		_ = uncount.Run(ctx, p.rdb, []string{ipKey}).Err()
		return nil
	}
	if cmpErr != nil && !errors.Is(cmpErr, bcrypt.ErrMismatchedHashAndPassword) && err == nil {
		return fmt.Errorf("auth: compare password: %w", cmpErr)
	}
	return errWrongPassword
}

var (
	errWrongPassword = models.Errorf(models.EINVALID, "工号或密码不正确。连续错误 %d 次将暂停密码登录 %d 分钟。",
		MaxFailsPerID, int(FailWindow.Minutes()))
	errTooManyGuesses = models.Errorf(models.EFORBIDDEN, "密码错误次数过多，已暂停密码登录 %d 分钟。请稍后再试，或在企业微信/钉钉给机器人发送“登录”获取登录链接。",
		int(FailWindow.Minutes()))
)

// uncount takes one attempt off a counter that still exists (a counter
// that expired meanwhile is not brought back, negative and without TTL).
var uncount = redis.NewScript(`if redis.call("EXISTS", KEYS[1]) == 1 then return redis.call("DECR", KEYS[1]) end return 0`)

// count adds this attempt to both counters in one transaction and returns
// them; each window starts at its counter's first attempt.
func (p *Passwords) count(ctx context.Context, idKey, ipKey string) (perID, perIP int64, err error) {
	pipe := p.rdb.TxPipeline()
	id, ip := pipe.Incr(ctx, idKey), pipe.Incr(ctx, ipKey)
	pipe.ExpireNX(ctx, idKey, FailWindow)
	pipe.ExpireNX(ctx, ipKey, FailWindow)
	if _, err := pipe.Exec(ctx); err != nil {
		return 0, 0, err
	}
	return id.Val(), ip.Val(), nil
}
