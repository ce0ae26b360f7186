package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"tapline/models"
)

// FireFailed implements models.DeadlineService: the row is locked, its
// count moved on and, at limit, its status set to parked, in one
// transaction.
func (db *DB) FireFailed(ctx context.Context, id uint64, step int, msg string, now time.Time, limit int) (bool, int, error) {
	msg, now = models.CutRunes(msg, maxErrorLen), norm(now)
	var parked bool
	var failures int
	err := db.inTx(ctx, func(tx *gorm.DB) error {
		var d models.Deadline
		err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).
			Where("id = ? AND status = ? AND step = ?", id, models.DeadlineRunning, step).Take(&d).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return errFired
		}
		if err != nil {
			return fmt.Errorf("find deadline: %w", err)
		}
		failures, parked = 1, false
		if d.LastError == msg {
			failures = d.Failures + 1
		}
		updates := map[string]any{"failures": failures, "last_error": msg, "updated_at": now}
		if limit > 0 && failures >= limit {
			updates["status"], parked = models.DeadlineParked, true
		}
		return tx.Model(&models.Deadline{}).Where("id = ?", id).Updates(updates).Error
	})
	if errors.Is(err, errFired) {
		return false, 0, nil
	}
	if err != nil {
		return false, 0, db.wrap("store: record firing failure", err)
	}
	return parked, failures, nil
}

// ParkedDeadlines implements models.DeadlineService.
func (db *DB) ParkedDeadlines(ctx context.Context, limit int) ([]*models.Deadline, error) {
	var out []*models.Deadline
	err := db.conn.WithContext(ctx).Where("status = ?", models.DeadlineParked).
		Order("updated_at DESC").Order("id DESC").Limit(pageLimit(limit)).Find(&out).Error
	return out, db.wrap("store: parked deadlines", err)
}

// ResumeDeadline implements models.DeadlineService.
func (db *DB) ResumeDeadline(ctx context.Context, id uint64, now time.Time) (*models.Deadline, error) {
	now = norm(now)
	n, err := db.updateRetried(ctx, func(tx *gorm.DB) *gorm.DB {
		return tx.Model(&models.Deadline{}).Where("id = ? AND status = ?", id, models.DeadlineParked).
			Updates(map[string]any{"status": models.DeadlineRunning, "failures": 0, "last_error": "",
				"next_at": now, "updated_at": now})
	})
	if err != nil {
		return nil, db.wrap("store: resume deadline", err)
	}
	d, err := db.FindDeadline(ctx, id)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, models.Errorf(models.ECONFLICT, "Deadline %d is %s, not parked.", id, d.Status)
	}
	return d, nil
}
