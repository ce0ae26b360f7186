package models

import "context"

// versionKey is the context key of an expected case version.
type versionKey struct{}

// expectedVersion is the precondition WithExpectedVersion carries.
type expectedVersion struct {
	caseID  uint64
	version int
}

// WithExpectedVersion returns ctx carrying the precondition of an HTTP
// If-Match: a transition of case caseID made with ctx is written only if
// it was decided on that case Version. CaseworkService.Apply returns
// EPRECONDITION otherwise, inside the same guarded update as its
// optimistic lock, so a check and an action cannot be split by another
// person's change.
func WithExpectedVersion(ctx context.Context, caseID uint64, version int) context.Context {
	return context.WithValue(ctx, versionKey{}, expectedVersion{caseID: caseID, version: version})
}

// ExpectedVersion returns the version ctx expects case caseID to be at,
// and whether it expects one.
func ExpectedVersion(ctx context.Context, caseID uint64) (int, bool) {
	v, ok := ctx.Value(versionKey{}).(expectedVersion)
	if !ok || v.caseID != caseID {
		return 0, false
	}
	return v.version, true
}
