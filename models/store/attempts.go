package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"tapline/models"
)

// errNotPending ends RecordAttempt's transaction without writing.
var errNotPending = errors.New("store: outbox row not pending")

// RecordAttempt implements models.OutboxService: the row update (only while
// pending) and the attempt insert commit together.
func (db *DB) RecordAttempt(ctx context.Context, a *models.DeliveryAttempt, retryAt *time.Time) error {
	const op = "store: record attempt"
	if a == nil || a.OutboxID == 0 {
		return models.Errorf(models.EINVALID, "An attempt needs an outbox ID.")
	}
	var stored models.DeliveryAttempt
	err := db.inTx(ctx, func(tx *gorm.DB) error {
		stored = db.prepareAttempt(*a)
		res := tx.Model(&models.Outbox{}).
			Where("id = ? AND status = ?", a.OutboxID, models.OutboxPending).
			Updates(attemptUpdates(&stored, retryAt))
		if res.Error != nil {
			return fmt.Errorf("update outbox: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return errNotPending
		}
		if err := tx.Create(&stored).Error; err != nil {
			return fmt.Errorf("insert attempt: %w", err)
		}
		return nil
	})
	if errors.Is(err, errNotPending) {
		return db.whyNotPending(ctx, op, a.OutboxID, "")
	}
	if err != nil {
		return db.wrap(op, err)
	}
	*a = stored
	return nil
}

// prepareAttempt fills the attempt's time and fits its error to the column.
func (db *DB) prepareAttempt(a models.DeliveryAttempt) models.DeliveryAttempt {
	a.ID = 0
	if a.At.IsZero() {
		a.At = db.now()
	}
	a.At = norm(a.At)
	a.Error = models.CutRunes(a.Error, maxErrorLen)
	return a
}

// attemptUpdates is the outbox row change for an attempt: sent on success,
// else pending again at retryAt, or failed when retryAt is nil.
func attemptUpdates(a *models.DeliveryAttempt, retryAt *time.Time) map[string]any {
	u := map[string]any{
		"attempts":   gorm.Expr("attempts + 1"),
		"last_error": a.Error,
		"updated_at": a.At,
	}
	switch {
	case a.OK:
		u["status"], u["sent_at"] = models.OutboxSent, a.At
	case retryAt != nil:
		u["next_at"] = norm(*retryAt)
	default:
		u["status"] = models.OutboxFailed
	}
	return u
}

// Attempts implements models.OutboxService: oldest first.
func (db *DB) Attempts(ctx context.Context, outboxID uint64) ([]*models.DeliveryAttempt, error) {
	var out []*models.DeliveryAttempt
	err := db.conn.WithContext(ctx).Where("outbox_id = ?", outboxID).
		Order("at ASC").Order("id ASC").Find(&out).Error
	if err != nil {
		return nil, db.wrap("store: attempts", err)
	}
	return out, nil
}
