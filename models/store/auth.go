package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"tapline/models"
)

var _ models.AuthService = (*DB)(nil)

// FindAccount implements models.AuthService.
func (db *DB) FindAccount(ctx context.Context, staffID string) (*models.Account, error) {
	var a models.Account
	err := db.conn.WithContext(ctx).Where("staff_id = ?", staffID).Take(&a).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, notFound("%s has no console password.", staffID)
	}
	if err != nil {
		return nil, db.wrap("store: find account", err)
	}
	return &a, nil
}

// SetPasswordHash implements models.AuthService: an upsert on StaffID.
func (db *DB) SetPasswordHash(ctx context.Context, staffID, hash string) error {
	now := db.now()
	a := models.Account{StaffID: staffID, PasswordHash: hash, CreatedAt: now, UpdatedAt: now}
	err := db.conn.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "staff_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"password_hash", "updated_at"}),
	}).Create(&a).Error
	return db.wrap("store: set password", err)
}

// CreateAPIToken implements models.AuthService.
func (db *DB) CreateAPIToken(ctx context.Context, t *models.APIToken) error {
	t.ID, t.CreatedAt, t.LastUsedAt, t.RevokedAt = 0, db.now(), nil, nil
	if err := db.conn.WithContext(ctx).Create(t).Error; err != nil {
		if isDuplicate(err) {
			return models.Errorf(models.ECONFLICT, "A token with the same hash exists.")
		}
		return db.wrap("store: create api token", err)
	}
	return nil
}

// FindAPIToken implements models.AuthService.
func (db *DB) FindAPIToken(ctx context.Context, hash string) (*models.APIToken, error) {
	var t models.APIToken
	err := db.conn.WithContext(ctx).Where("hash = ?", hash).Take(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, notFound("No such API token.")
	}
	if err != nil {
		return nil, db.wrap("store: find api token", err)
	}
	return &t, nil
}

// APITokens implements models.AuthService.
func (db *DB) APITokens(ctx context.Context) ([]*models.APIToken, error) {
	var out []*models.APIToken
	err := db.conn.WithContext(ctx).Order("id DESC").Find(&out).Error
	if err != nil {
		return nil, db.wrap("store: list api tokens", err)
	}
	return out, nil
}

// RevokeAPIToken implements models.AuthService.
func (db *DB) RevokeAPIToken(ctx context.Context, id uint64, at time.Time) error {
	conn := db.conn.WithContext(ctx)
	var t models.APIToken
	err := conn.Where("id = ?", id).Take(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return notFound("No API token has the ID %d.", id)
	}
	if err != nil {
		return db.wrap("store: revoke api token", err)
	}
	err = conn.Model(&models.APIToken{}).Where("id = ? AND revoked_at IS NULL", id).
		Update("revoked_at", norm(at)).Error
	return db.wrap("store: revoke api token", err)
}

// TouchAPIToken implements models.AuthService.
func (db *DB) TouchAPIToken(ctx context.Context, id uint64, at time.Time) error {
	err := db.conn.WithContext(ctx).Model(&models.APIToken{}).Where("id = ?", id).
		Update("last_used_at", norm(at)).Error
	return db.wrap("store: touch api token", err)
}

// readsBatch is how many reads one INSERT writes.
const readsBatch = 500

// RecordReads implements models.AuthService.
func (db *DB) RecordReads(ctx context.Context, reads []models.PersonalDataRead) error {
	if len(reads) == 0 {
		return nil
	}
	now := db.now()
	rows := make([]models.PersonalDataRead, len(reads))
	for i, r := range reads {
		r.ID = 0
		if r.CreatedAt.IsZero() {
			r.CreatedAt = now
		}
		r.CreatedAt = norm(r.CreatedAt)
		rows[i] = r
	}
	// In batches: a month's export stays under the placeholder limits.
	return db.wrap("store: record reads", db.conn.WithContext(ctx).CreateInBatches(&rows, readsBatch).Error)
}

// CaseReads implements models.AuthService.
func (db *DB) CaseReads(ctx context.Context, caseID uint64) ([]*models.PersonalDataRead, error) {
	var out []*models.PersonalDataRead
	err := db.conn.WithContext(ctx).Where("case_id = ?", caseID).Order("id ASC").Find(&out).Error
	if err != nil {
		return nil, db.wrap("store: case reads", err)
	}
	return out, nil
}
