package store

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"tapline/models"
)

// RecordInbound implements models.InboundService: an audit row whose
// dedupe key is unique, in a statement of its own (InboundBatcher shares
// one among concurrent messages).
func (db *DB) RecordInbound(ctx context.Context, m *models.InboundMessage) error {
	if m == nil {
		return models.Errorf(models.EINVALID, "No inbound message to record.")
	}
	row := db.inboundRow(m)
	if err := db.conn.WithContext(ctx).Create(&row).Error; err != nil {
		return db.inboundError(err)
	}
	*m = row
	return nil
}

// inboundError maps a failed inbound INSERT: a taken dedupe key is
// ECONFLICT, the rest as usual.
func (db *DB) inboundError(err error) error {
	const op = "store: record inbound"
	if isDuplicate(err) {
		return fmt.Errorf("%s: %w", op, models.Errorf(models.ECONFLICT, "This message is already recorded: it was taken before."))
	}
	return db.wrap(op, err)
}

// ReleaseInbound implements models.InboundService.
func (db *DB) ReleaseInbound(ctx context.Context, key string) error {
	err := db.conn.WithContext(ctx).Exec("UPDATE inbound_messages SET dedupe_key = "+db.suffixedKey()+" WHERE dedupe_key = ?", key).Error
	return db.wrap("store: release inbound", err)
}

// suffixedKey is the SQL of dedupe_key + "#" + id, cut to fit its column.
func (db *DB) suffixedKey() string {
	if db.dialect == DialectMySQL {
		return "CONCAT(LEFT(dedupe_key, 170), '#', id)"
	}
	return "substr(dedupe_key, 1, 170) || '#' || id"
}

// FindResident implements models.ResidentService.
func (db *DB) FindResident(ctx context.Context, openID string) (*models.Resident, error) {
	var r models.Resident
	err := db.conn.WithContext(ctx).Where("open_id = ?", openID).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, notFound("This resident has not filed before.")
	}
	if err != nil {
		return nil, db.wrap("store: find resident", err)
	}
	return &r, nil
}

// SaveResident implements models.ResidentService: insert, or replace every
// column of the existing row.
func (db *DB) SaveResident(ctx context.Context, r *models.Resident) error {
	if r == nil || r.OpenID == "" {
		return models.Errorf(models.EINVALID, "A resident needs an OpenID.")
	}
	row := *r
	row.LastSeen, row.UpdatedAt = norm(row.LastSeen), db.now()
	err := db.conn.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "open_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"name", "phone", "address", "last_seen", "updated_at"}),
	}).Create(&row).Error
	if err != nil {
		return db.wrap("store: save resident", err)
	}
	*r = row
	return nil
}
