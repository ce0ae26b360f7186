package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"tapline/models"
)

// maxErrorLen is the size of the LastError and Error columns.
const maxErrorLen = 512

// defaultDue is the batch size of DueOutbox when limit is not positive.
const defaultDue = 100

// AddOutbox implements models.OutboxService: rows outside a case
// transaction, written in one statement; IDs are filled in on success.
func (db *DB) AddOutbox(ctx context.Context, rows []*models.Outbox) error {
	if len(rows) == 0 {
		return nil
	}
	now := db.now()
	batch := make([]models.Outbox, len(rows))
	for i, r := range rows {
		if r == nil {
			return models.Errorf(models.EINVALID, "Outbox row %d is missing.", i)
		}
		batch[i] = *r
		fillOutbox(&batch[i], now)
	}
	if err := db.conn.WithContext(ctx).Create(&batch).Error; err != nil {
		return db.wrap("store: add outbox", err)
	}
	for i := range rows {
		*rows[i] = batch[i]
	}
	return nil
}

// FindOutbox implements models.OutboxService.
func (db *DB) FindOutbox(ctx context.Context, id uint64) (*models.Outbox, error) {
	var o models.Outbox
	err := db.conn.WithContext(ctx).Where("id = ?", id).Take(&o).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, notFound("No outbox message has the ID %d.", id)
	}
	if err != nil {
		return nil, db.wrap("store: find outbox", err)
	}
	return &o, nil
}

// ListOutbox implements models.OutboxService: newest first, with the total.
func (db *DB) ListOutbox(ctx context.Context, f models.OutboxFilter) ([]*models.Outbox, int, error) {
	const op = "store: list outbox"
	q := db.conn.WithContext(ctx).Model(&models.Outbox{})
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.CaseID != 0 {
		q = q.Where("case_id = ?", f.CaseID)
	}
	if f.CaseNumber != "" {
		q = q.Where("case_id IN (?)", db.conn.Model(&models.Case{}).Select("id").Where("number = ?", f.CaseNumber))
	}
	if f.Channel != "" {
		q = q.Where("channel = ?", f.Channel)
	}
	if f.Target != "" {
		q = q.Where("target = ?", f.Target)
	}
	q = q.Session(&gorm.Session{})
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, db.wrap(op, err)
	}
	var rows []*models.Outbox
	err := afterCursor(q, f.After).Order("created_at DESC").Order("id DESC").
		Offset(max(f.Offset, 0)).Limit(pageLimit(f.Limit)).Find(&rows).Error
	if err != nil {
		return nil, 0, db.wrap(op, err)
	}
	return rows, int(total), nil
}

// CaseNumbers implements models.OutboxService.
func (db *DB) CaseNumbers(ctx context.Context, ids []uint64) (map[uint64]string, error) {
	out := make(map[uint64]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		ID     uint64
		Number string
	}
	err := db.conn.WithContext(ctx).Model(&models.Case{}).Select("id, number").Where("id IN ?", ids).Scan(&rows).Error
	if err != nil {
		return nil, db.wrap("store: case numbers", err)
	}
	for _, r := range rows {
		out[r.ID] = r.Number
	}
	return out, nil
}

// DueOutbox implements models.OutboxService: pending rows due at now,
// oldest due first.
func (db *DB) DueOutbox(ctx context.Context, now time.Time, limit int) ([]uint64, error) {
	if limit <= 0 {
		limit = defaultDue
	}
	var ids []uint64
	err := db.conn.WithContext(ctx).Model(&models.Outbox{}).
		Where("status = ? AND next_at <= ?", models.OutboxPending, norm(now)).
		Order("next_at ASC").Order("id ASC").Limit(limit).Pluck("id", &ids).Error
	if err != nil {
		return nil, db.wrap("store: due outbox", err)
	}
	return ids, nil
}

// ClaimOutbox implements models.OutboxService with one conditional UPDATE
// (retried after a deadlock): of many concurrent claimers exactly one
// matches the row.
func (db *DB) ClaimOutbox(ctx context.Context, id uint64, now time.Time, lease time.Duration) (*models.Outbox, error) {
	const op = "store: claim outbox"
	now = norm(now)
	n, err := db.updateRetried(ctx, func(tx *gorm.DB) *gorm.DB {
		return tx.Model(&models.Outbox{}).Where("id = ? AND status = ? AND next_at <= ?", id, models.OutboxPending, now).
			Updates(map[string]any{"next_at": norm(now.Add(lease)), "updated_at": db.now()})
	})
	if err != nil {
		return nil, db.wrap(op, err)
	}
	if n == 0 {
		return nil, db.whyNotPending(ctx, op, id, "is not due")
	}
	return db.FindOutbox(ctx, id)
}

// RescheduleOutbox implements models.OutboxService.
func (db *DB) RescheduleOutbox(ctx context.Context, id uint64, at time.Time) error {
	const op = "store: reschedule outbox"
	n, err := db.updateRetried(ctx, func(tx *gorm.DB) *gorm.DB {
		return tx.Model(&models.Outbox{}).Where("id = ? AND status = ?", id, models.OutboxPending).
			Updates(map[string]any{"next_at": norm(at), "updated_at": db.now()})
	})
	if err != nil {
		return db.wrap(op, err)
	}
	if n == 0 {
		return db.whyNotPending(ctx, op, id, "")
	}
	return nil
}

// whyNotPending tells ENOTFOUND from ECONFLICT after a conditional update
// matched nothing.
func (db *DB) whyNotPending(ctx context.Context, op string, id uint64, dueReason string) error {
	o, err := db.FindOutbox(ctx, id)
	switch {
	case err != nil:
		return err
	case o.Status != models.OutboxPending:
		return models.Errorf(models.ECONFLICT, "Outbox message %d is %s, not pending.", id, o.Status)
	case dueReason != "":
		return models.Errorf(models.ECONFLICT, "Outbox message %d %s (claimed by another worker or scheduled later).", id, dueReason)
	default:
		return fmt.Errorf("%s: outbox %d matched nothing", op, id)
	}
}
