package handlers

import (
	"net/http"

	"tapline/models"
)

// ProblemBase prefixes every problem type URI (RFC 9457 §3.1.1: a tag
// URI names a problem type stably without promising a page behind it).
const ProblemBase = "tag:tapline,2026:problems/"

// problemType is one kind of problem: its HTTP status, the last segment of
// its type URI and its title.
type problemType struct {
	status int
	slug   string
	title  string
}

// Problem types the API answers besides the application error codes.
var (
	probUnauthorized = problemType{http.StatusUnauthorized, "unauthorized", "Authentication required"}
	probRefused      = problemType{http.StatusConflict, "refused", "Refused by the case lifecycle"}
	probDuplicates   = problemType{http.StatusConflict, "duplicates", "Possible duplicate complaint"}
	probKeyReused    = problemType{http.StatusUnprocessableEntity, "idempotency-key-reused", "Idempotency key reused with another request"}
	probKeyRunning   = problemType{http.StatusConflict, "idempotency-key-in-progress", "A request with this idempotency key is in progress"}
	probTooLarge     = problemType{http.StatusRequestEntityTooLarge, "payload-too-large", "Request body too large"}
	probNoRoute      = problemType{http.StatusNotFound, "no-route", "No such route"}
)

// codes maps application error codes to problem types: the one table of
// code → HTTP status.
var codes = map[string]problemType{
	models.EINVALID:      {http.StatusBadRequest, "validation", "Invalid request"},
	models.ENOTFOUND:     {http.StatusNotFound, "not-found", "Not found"},
	models.EFORBIDDEN:    {http.StatusForbidden, "forbidden", "Forbidden"},
	models.ECONFLICT:     {http.StatusConflict, "conflict", "Changed concurrently"},
	models.EPRECONDITION: {http.StatusPreconditionFailed, "precondition-failed", "Precondition failed"},
	models.EUNAVAILABLE:  {http.StatusServiceUnavailable, "unavailable", "Service unavailable"},
	models.EINTERNAL:     {http.StatusInternalServerError, "internal", "Internal error"},
}

// ProblemTypes returns every problem type URI the API answers, for the
// OpenAPI document's enum (a test holds them together).
func ProblemTypes() []string {
	out := []string{}
	for _, p := range []problemType{probUnauthorized, probRefused, probDuplicates, probKeyReused, probKeyRunning,
		probTooLarge, probNoRoute} {
		out = append(out, ProblemBase+p.slug)
	}
	for _, code := range []string{models.EINVALID, models.ENOTFOUND, models.EFORBIDDEN, models.ECONFLICT,
		models.EPRECONDITION, models.EUNAVAILABLE, models.EINTERNAL} {
		out = append(out, ProblemBase+codes[code].slug)
	}
	return out
}
