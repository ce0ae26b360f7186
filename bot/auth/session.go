package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"tapline/models"
)

// DefaultSessionTTL is how long a console session lasts without signing in
// again (a working day and a bit).
const DefaultSessionTTL = 12 * time.Hour

// Session is a signed-in person's console session. Its ID is the cookie
// value; Redis keeps it under the ID's SHA-256 only.
type Session struct {
	ID      string    `json:"-"`
	StaffID string    `json:"staff_id"`
	CSRF    string    `json:"csrf"` // the per-session CSRF token of every form
	Method  string    `json:"method"`
	Created time.Time `json:"created"`
}

// Sessions stores console sessions in Redis with a TTL.
type Sessions struct {
	rdb    redis.UniversalClient
	prefix string
	ttl    time.Duration
	clock  func() time.Time
}

// NewSessions returns a session store; keys start with prefix+"session:".
func NewSessions(rdb redis.UniversalClient, prefix string, ttl time.Duration) *Sessions {
	if ttl <= 0 {
		ttl = DefaultSessionTTL
	}
	return &Sessions{rdb: rdb, prefix: prefix + "session:", ttl: ttl, clock: time.Now}
}

// TTL returns how long a session lives.
func (s *Sessions) TTL() time.Duration { return s.ttl }

// Create starts a session for staffID signed in by method ("password" or
// "link").
func (s *Sessions) Create(ctx context.Context, staffID, method string) (*Session, error) {
	sess := &Session{ID: RandomToken(32), StaffID: staffID, CSRF: RandomToken(24), Method: method, Created: s.clock()}
	b, err := json.Marshal(sess)
	if err != nil {
		return nil, fmt.Errorf("auth: session: %w", err)
	}
	if err := s.rdb.Set(ctx, s.prefix+Digest(sess.ID), b, s.ttl).Err(); err != nil {
		return nil, unavailable("auth: create session", err)
	}
	return sess, nil
}

// Get returns the session with that ID; ENOTFOUND when it expired, was
// signed out or never existed.
func (s *Sessions) Get(ctx context.Context, id string) (*Session, error) {
	if id == "" || len(id) > 128 {
		return nil, errNoSession
	}
	b, err := s.rdb.Get(ctx, s.prefix+Digest(id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, errNoSession
	} else if err != nil {
		return nil, unavailable("auth: get session", err)
	}
	var sess Session
	if err := json.Unmarshal(b, &sess); err != nil {
		return nil, errNoSession
	}
	sess.ID = id
	return &sess, nil
}

// Delete ends a session (sign-out).
func (s *Sessions) Delete(ctx context.Context, id string) error {
	if err := s.rdb.Del(ctx, s.prefix+Digest(id)).Err(); err != nil {
		return unavailable("auth: delete session", err)
	}
	return nil
}

var errNoSession = models.Errorf(models.ENOTFOUND, "登录已过期或已退出，请重新登录。")

// CSRFValid compares a submitted CSRF token with the session's in constant
// time.
func CSRFValid(sess *Session, got string) bool {
	return sess != nil && got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(sess.CSRF)) == 1
}

// RandomToken returns n random bytes, URL-safe base64 without padding.
func RandomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Digest returns the hex SHA-256 of a secret: what is stored instead of it.
func Digest(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// unavailable wraps a Redis failure as EUNAVAILABLE.
func unavailable(op string, err error) error {
	return fmt.Errorf("%s: %w: %w", op, models.Errorf(models.EUNAVAILABLE, "登录服务暂时不可用，请稍后再试。"), err)
}

// CookieName is the console session cookie (HttpOnly, SameSite=Lax,
// Secure behind TLS); the API accepts it too, with the CSRF token in the
// X-CSRF-Token header for every request that changes something.
const CookieName = "tapline_session"

// CSRFHeader carries the session's CSRF token on API calls made with the
// session cookie.
const CSRFHeader = "X-CSRF-Token"
