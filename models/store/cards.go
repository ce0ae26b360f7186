package store

import (
	"context"

	"gorm.io/gorm"

	"tapline/models"
)

// CardState implements models.OutboxService with two indexed lookups by
// the row's card key.
func (db *DB) CardState(ctx context.Context, row *models.Outbox) (latest, sentBefore bool, err error) {
	const op = "store: card state"
	if row == nil || row.CardKey == "" {
		return true, false, nil
	}
	same := func() *gorm.DB {
		return db.conn.WithContext(ctx).Model(&models.Outbox{}).
			Where("card_key = ? AND channel = ? AND target = ?", row.CardKey, row.Channel, row.Target)
	}
	var later, sent int64
	if err := same().Where("id > ?", row.ID).Count(&later).Error; err != nil {
		return false, false, db.wrap(op, err)
	}
	if err := same().Where("id < ? AND status = ?", row.ID, models.OutboxSent).Count(&sent).Error; err != nil {
		return false, false, db.wrap(op, err)
	}
	return later == 0, sent > 0, nil
}

// SkipOutbox implements models.OutboxService.
func (db *DB) SkipOutbox(ctx context.Context, id uint64, why string) error {
	const op = "store: skip outbox"
	n, err := db.updateRetried(ctx, func(tx *gorm.DB) *gorm.DB {
		return tx.Model(&models.Outbox{}).Where("id = ? AND status = ?", id, models.OutboxPending).
			Updates(map[string]any{"status": models.OutboxSkipped, "last_error": models.CutRunes(why, maxErrorLen),
				"updated_at": db.now()})
	})
	if err != nil {
		return db.wrap(op, err)
	}
	if n == 0 {
		return db.whyNotPending(ctx, op, id, "")
	}
	return nil
}

// WithdrawCard implements models.OutboxService.
func (db *DB) WithdrawCard(ctx context.Context, cardKey, why string) (int, error) {
	if cardKey == "" {
		return 0, nil
	}
	n, err := db.updateRetried(ctx, func(tx *gorm.DB) *gorm.DB {
		return tx.Model(&models.Outbox{}).Where("card_key = ? AND status = ?", cardKey, models.OutboxPending).
			Updates(map[string]any{"status": models.OutboxSkipped, "last_error": models.CutRunes(why, maxErrorLen),
				"updated_at": db.now()})
	})
	return int(n), db.wrap("store: withdraw card", err)
}
