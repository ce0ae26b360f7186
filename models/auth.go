package models

import (
	"context"
	"time"
)

// Account is a staff member's console password (desk PCs, issue 6). The
// person, role and department come from the policy roster; StaffID is the
// roster ID. PasswordHash is a bcrypt hash, never the password.
type Account struct {
	StaffID      string `gorm:"primaryKey;size:64"`
	PasswordHash string `gorm:"size:100;not null"`
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// APIToken is an integration's bearer token. Only the SHA-256 of the token
// is stored (Hash, hex); Prefix is its first characters, shown to tell
// tokens apart. A token acts as the roster person StaffID when set (role
// and department then come from the roster), else with Role and
// Department. A revoked token (RevokedAt set) is refused.
type APIToken struct {
	ID         uint64 `gorm:"primaryKey;autoIncrement"`
	Name       string `gorm:"size:64;not null"`
	Hash       string `gorm:"size:64;uniqueIndex;not null"`
	Prefix     string `gorm:"size:16;not null"`
	StaffID    string `gorm:"size:64"`
	Role       string `gorm:"size:32;not null"`
	Department string `gorm:"size:32"`
	CreatedBy  string `gorm:"size:64"`
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// PersonalDataRead records one read of a resident's full contact details
// (name, phone) by a person or an integration (issue 6: every read of full
// personal data is recorded).
type PersonalDataRead struct {
	ID         uint64 `gorm:"primaryKey;autoIncrement"`
	CaseID     uint64 `gorm:"index;not null"`
	CaseNumber string `gorm:"size:32;not null"`
	Reader     string `gorm:"size:80;index;not null"` // roster ID, "token:<id>" or "admin"
	Role       string `gorm:"size:32"`
	Channel    string `gorm:"size:16;not null"` // console or api
	Purpose    string `gorm:"size:64"`          // what was opened: detail, list, export
	CreatedAt  time.Time
}

// AuthService stores passwords, API tokens and the record of personal data
// reads.
type AuthService interface {
	// FindAccount returns ENOTFOUND when the person has no password.
	FindAccount(ctx context.Context, staffID string) (*Account, error)
	// SetPasswordHash creates or replaces the person's password hash.
	SetPasswordHash(ctx context.Context, staffID, hash string) error
	// CreateAPIToken writes t and fills in its ID and CreatedAt.
	CreateAPIToken(ctx context.Context, t *APIToken) error
	// FindAPIToken returns the token with that hash (revoked ones too);
	// ENOTFOUND if none.
	FindAPIToken(ctx context.Context, hash string) (*APIToken, error)
	// APITokens lists every token, newest first.
	APITokens(ctx context.Context) ([]*APIToken, error)
	// RevokeAPIToken marks the token revoked at at; ENOTFOUND if no such
	// token. Revoking twice keeps the first time.
	RevokeAPIToken(ctx context.Context, id uint64, at time.Time) error
	// TouchAPIToken records when the token was last used.
	TouchAPIToken(ctx context.Context, id uint64, at time.Time) error
	// RecordReads writes the reads in one statement.
	RecordReads(ctx context.Context, reads []PersonalDataRead) error
	// CaseReads returns the reads of one case's personal data, oldest first.
	CaseReads(ctx context.Context, caseID uint64) ([]*PersonalDataRead, error)
}

// CaseCounter counts cases for the dashboard.
type CaseCounter interface {
	// CountCases returns the number of cases matching f per value of the
	// column by: "status", "department", "category", "source" or "major"
	// ("true"/"false"). Returns EINVALID for another column.
	CountCases(ctx context.Context, f CaseFilter, by string) (map[string]int, error)
}
