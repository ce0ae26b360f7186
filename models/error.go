// Package models holds Tapline's domain types, status constants, the
// application error type and the service contracts. It imports only the
// standard library; implementations live in subpackages.
package models

import (
	"errors"
	"fmt"
)

// Application error codes. Handlers map them to HTTP statuses in one table;
// the dialog maps them to reply texts.
const (
	ECONFLICT    = "conflict"    // a concurrent change won; reload and retry
	EINTERNAL    = "internal"    // a bug or an unexpected failure
	EINVALID     = "invalid"     // the input is wrong; Message says why
	ENOTFOUND    = "not_found"   // the thing does not exist (or is not yours)
	EFORBIDDEN   = "forbidden"   // the actor may not do this
	EUNAVAILABLE = "unavailable" // a dependency (database, Redis) is down; try later
)

// Error is the application error: a code and a message a person may see.
type Error struct {
	Code    string
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("tapline error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the application error inside err, EINTERNAL
// for any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the person-facing message of the application error
// inside err, or a generic one for other errors.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}
