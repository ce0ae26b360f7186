// Package models holds Tapline's domain types, status constants, the
// application error type and the service contracts. It imports only the
// standard library; implementations live in subpackages.
package models

import (
	"errors"
	"fmt"
	"strings"
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
	// EPRECONDITION: a condition the caller set (If-Match, a case version)
	// no longer holds; nothing was changed.
	EPRECONDITION = "precondition_failed"
)

// Error is the application error: a code and a message a person may see.
// Fields names each invalid input field of an EINVALID error.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
}

// FieldError is one invalid input field and why, in words a person reads.
type FieldError struct {
	Field  string
	Reason string
}

// Invalid returns an EINVALID error naming each bad field; its Message
// joins the reasons ("…；…。").
func Invalid(fields ...FieldError) *Error {
	reasons := make([]string, len(fields))
	for i, f := range fields {
		reasons[i] = f.Reason
	}
	return &Error{Code: EINVALID, Message: strings.Join(reasons, "；") + "。", Fields: fields}
}

// ErrorFields returns the invalid fields of the application error inside
// err, nil when it names none.
func ErrorFields(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
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
