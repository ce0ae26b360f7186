package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"tapline/models"
)

var _ models.IdempotencyService = (*DB)(nil)

// idempotencyTTL is how long an answer is kept for retries with its key.
const idempotencyTTL = 24 * time.Hour

// ClaimIdempotency implements models.IdempotencyService: an INSERT that a
// unique primary key lets one request win; the others read the winner's
// record. Expired or abandoned records are taken over by a guarded
// UPDATE, so two takers cannot both win.
func (db *DB) ClaimIdempotency(ctx context.Context, rec *models.IdempotencyRecord, stale time.Duration) (*models.IdempotencyRecord, error) {
	const op = "store: claim idempotency key"
	now := db.now()
	rec.Status, rec.CreatedAt, rec.ExpiresAt = 0, now, now.Add(idempotencyTTL)
	conn := db.conn.WithContext(ctx)
	err := conn.Create(rec).Error
	if err == nil {
		return nil, nil
	}
	if !isDuplicate(err) {
		return nil, db.wrap(op, err)
	}
	var found models.IdempotencyRecord
	if err := conn.Where("id = ?", rec.ID).Take(&found).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) { // released meanwhile: try once more
			if err := conn.Create(rec).Error; err == nil {
				return nil, nil
			}
			return nil, models.Errorf(models.ECONFLICT, "同一个 Idempotency-Key 的请求正在处理，请稍后重试。")
		}
		return nil, db.wrap(op, err)
	}
	abandoned := found.Status == 0 && found.CreatedAt.Before(now.Add(-stale))
	if !found.ExpiresAt.Before(now) && !abandoned {
		return &found, nil
	}
	res := conn.Model(&models.IdempotencyRecord{}).Where("id = ? AND created_at = ?", found.ID, found.CreatedAt).
		Updates(map[string]any{"request_hash": rec.RequestHash, "status": 0, "content_type": "", "headers": "",
			"body": "", "created_at": rec.CreatedAt, "expires_at": rec.ExpiresAt})
	if res.Error != nil {
		return nil, db.wrap(op, res.Error)
	}
	if res.RowsAffected == 0 {
		return nil, models.Errorf(models.ECONFLICT, "同一个 Idempotency-Key 的请求正在处理，请稍后重试。")
	}
	return nil, nil
}

// FinishIdempotency implements models.IdempotencyService.
func (db *DB) FinishIdempotency(ctx context.Context, id string, status int, contentType, headers, body string) error {
	err := db.conn.WithContext(ctx).Model(&models.IdempotencyRecord{}).Where("id = ?", id).
		Updates(map[string]any{"status": status, "content_type": contentType, "headers": headers, "body": body}).Error
	return db.wrap("store: finish idempotency key", err)
}

// ReleaseIdempotency implements models.IdempotencyService.
func (db *DB) ReleaseIdempotency(ctx context.Context, id string) error {
	err := db.conn.WithContext(ctx).Where("id = ? AND status = 0", id).Delete(&models.IdempotencyRecord{}).Error
	return db.wrap("store: release idempotency key", err)
}
