package auth

import (
	"context"
	"slices"
	"strings"
	"time"

	"tapline/bot/policy"
	"tapline/models"
)

// TokenPrefix starts every API token, so that it is recognised (and
// found by secret scanners) at a glance.
const TokenPrefix = "tpl_"

// TokenSpec is what a new API token may do: act as the roster person
// StaffID, or with Role (crew, head, leader, gm) in Department.
type TokenSpec struct {
	Name       string `json:"name"`
	StaffID    string `json:"staff_id,omitempty"`
	Role       string `json:"role,omitempty"`
	Department string `json:"department,omitempty"`
}

// Tokens creates, authenticates and revokes API tokens. Only their SHA-256
// is stored.
type Tokens struct {
	store  models.AuthService
	policy *policy.Policy
	clock  func() time.Time
}

// NewTokens returns the API token service.
func NewTokens(store models.AuthService, p *policy.Policy, clock func() time.Time) *Tokens {
	return &Tokens{store: store, policy: p, clock: clock}
}

// Create makes a token for spec and returns it once, in plain text, with
// its stored record. Returns EINVALID naming what is wrong with spec.
func (t *Tokens) Create(ctx context.Context, spec TokenSpec, by string) (string, *models.APIToken, error) {
	rec, err := t.record(spec)
	if err != nil {
		return "", nil, err
	}
	plain := TokenPrefix + RandomToken(32)
	rec.Hash, rec.Prefix, rec.CreatedBy = Digest(plain), plain[:len(TokenPrefix)+6], by
	if err := t.store.CreateAPIToken(ctx, rec); err != nil {
		return "", nil, err
	}
	return plain, rec, nil
}

// record validates spec against the roster and the policy.
func (t *Tokens) record(spec TokenSpec) (*models.APIToken, error) {
	name := strings.TrimSpace(spec.Name)
	if name == "" || len([]rune(name)) > 64 {
		return nil, models.Errorf(models.EINVALID, "name: give the integration a name (at most 64 characters)")
	}
	rec := &models.APIToken{Name: name}
	if spec.StaffID != "" {
		st := t.policy.Staff(spec.StaffID)
		if st == nil {
			return nil, models.Errorf(models.EINVALID, "staff_id: %q is not in the roster", spec.StaffID)
		}
		rec.StaffID, rec.Role, rec.Department = st.ID, st.Role, st.Department
		return rec, nil
	}
	roles := []string{policy.RoleCrew, policy.RoleHead, policy.RoleLeader, policy.RoleGM}
	if !slices.Contains(roles, spec.Role) {
		return nil, models.Errorf(models.EINVALID, "role: one of crew, head, leader, gm (or give staff_id)")
	}
	needsDept := spec.Role == policy.RoleCrew || spec.Role == policy.RoleHead
	if needsDept && t.policy.Department(spec.Department) == nil {
		return nil, models.Errorf(models.EINVALID, "department: %q is not a department of the policy", spec.Department)
	}
	if !needsDept && spec.Department != "" {
		return nil, models.Errorf(models.EINVALID, "department: leaders and the GM have none")
	}
	rec.Role, rec.Department = spec.Role, spec.Department
	return rec, nil
}

// Authenticate returns the principal of a plain token. Unknown and
// revoked tokens, and tokens of people no longer in the roster, are
// refused (EFORBIDDEN with the reason; the caller answers 401).
func (t *Tokens) Authenticate(ctx context.Context, plain string) (Principal, error) {
	if !strings.HasPrefix(plain, TokenPrefix) || len(plain) > 128 {
		return Principal{}, errBadToken
	}
	rec, err := t.store.FindAPIToken(ctx, Digest(plain))
	switch {
	case models.ErrorCode(err) == models.ENOTFOUND:
		return Principal{}, errBadToken
	case err != nil:
		return Principal{}, err
	case rec.RevokedAt != nil:
		return Principal{}, models.Errorf(models.EFORBIDDEN, "API token %s… was revoked", rec.Prefix)
	}
	p := Principal{Name: rec.Name, Role: rec.Role, Department: rec.Department, Via: ViaToken, TokenID: rec.ID}
	if rec.StaffID != "" {
		st := t.policy.Staff(rec.StaffID)
		if st == nil {
			return Principal{}, models.Errorf(models.EFORBIDDEN, "API token %s… belongs to %s, who is no longer in the roster", rec.Prefix, rec.StaffID)
		}
		p = principalOf(st, ViaToken)
		p.TokenID = rec.ID
	}
	_ = t.store.TouchAPIToken(ctx, rec.ID, t.clock())
	return p, nil
}

// List returns every token record (never the tokens themselves).
func (t *Tokens) List(ctx context.Context) ([]*models.APIToken, error) { return t.store.APITokens(ctx) }

// Revoke makes a token unusable from now on; ENOTFOUND if no such token.
func (t *Tokens) Revoke(ctx context.Context, id uint64) error {
	return t.store.RevokeAPIToken(ctx, id, t.clock())
}

var errBadToken = models.Errorf(models.EFORBIDDEN, "unknown API token")
