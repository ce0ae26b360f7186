package bot

import (
	"errors"
	"fmt"
	"time"
)

// ErrPermanent marks a delivery failure that retrying cannot fix (bad
// credentials, invalid target, malformed message).
var ErrPermanent = errors.New("permanent delivery failure")

// RetryAfterError asks the deliverer to wait at least After before the next
// attempt (rate limits).
type RetryAfterError struct {
	After time.Duration
	Err   error
}

// Error implements error.
func (e *RetryAfterError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying error.
func (e *RetryAfterError) Unwrap() error { return e.Err }

// APIError is a failed call to a chat platform's API: what was called
// (credentials masked), the HTTP status, the platform's errcode and errmsg.
// It unwraps to ErrPermanent when retrying cannot help, and tells the
// outbox the HTTP status for its attempt log.
type APIError struct {
	Op        string // e.g. "wecom robot key=693a****", "wecom app message/send"
	Status    int    // HTTP status, 0 if none
	Code      int    // platform errcode, 0 if none
	Msg       string // errmsg or a description, credentials removed
	Permanent bool
}

// Error implements error.
func (e *APIError) Error() string {
	return fmt.Sprintf("%s: http %d errcode %d: %s", e.Op, e.Status, e.Code, e.Msg)
}

// Unwrap returns ErrPermanent for permanent failures.
func (e *APIError) Unwrap() error {
	if e.Permanent {
		return ErrPermanent
	}
	return nil
}

// HTTPStatus returns the HTTP status of the answer.
func (e *APIError) HTTPStatus() int { return e.Status }

// Mask keeps the first four characters of a credential: "693a****".
func Mask(s string) string {
	r := []rune(s)
	if len(r) <= 4 {
		return "****"
	}
	return string(r[:4]) + "****"
}
