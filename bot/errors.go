package bot

import (
	"errors"
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
