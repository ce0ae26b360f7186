package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"tapline/models"
)

// CallbackQueue returns, for the cases with these IDs, the call-back
// attempts recorded so far and the due time of the call-back clock still
// running (the queue's columns, issue 14). A case without attempts or
// without a running clock has no entry in that map.
func (db *DB) CallbackQueue(ctx context.Context, ids []uint64) (map[uint64]int, map[uint64]time.Time, error) {
	const op = "store: call-back queue"
	attempts, due := map[uint64]int{}, map[uint64]time.Time{}
	if len(ids) == 0 {
		return attempts, due, nil
	}
	var counts []struct {
		CaseID uint64
		N      int
	}
	conn := db.conn.WithContext(ctx)
	err := conn.Model(&models.CallBack{}).Select("case_id, COUNT(*) AS n").Where("case_id IN ?", ids).
		Group("case_id").Scan(&counts).Error
	if err != nil {
		return nil, nil, db.wrap(op, err)
	}
	for _, c := range counts {
		attempts[c.CaseID] = c.N
	}
	var clocks []models.Deadline
	err = conn.Where("case_id IN ? AND stage = ? AND done_at IS NULL", ids, models.StageCallback).
		Order("id ASC").Find(&clocks).Error
	if err != nil {
		return nil, nil, db.wrap(op, err)
	}
	for _, d := range clocks {
		due[d.CaseID] = d.DueAt // the newest clock wins
	}
	return attempts, due, nil
}

// CasesByID returns the full records of the cases with these IDs, in no
// particular order. Callers mask them for whoever may not see them.
func (db *DB) CasesByID(ctx context.Context, ids []uint64) ([]*models.Case, error) {
	var out []*models.Case
	if len(ids) == 0 {
		return out, nil
	}
	if err := db.conn.WithContext(ctx).Where("id IN ?", ids).Find(&out).Error; err != nil {
		return nil, db.wrap("store: cases by id", err)
	}
	return out, nil
}

// AddFollowUp appends ev to the case's timeline with the outbox rows to
// deliver (a further call about a case, taken at intake), in one
// transaction; the case record itself does not change. It returns the
// outbox rows' IDs. ENOTFOUND when there is no such case.
func (db *DB) AddFollowUp(ctx context.Context, caseID uint64, ev models.CaseEvent, outbox []models.Outbox) ([]uint64, error) {
	rows := prepareOutbox(outbox, db.now())
	err := db.inTx(ctx, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&models.Case{}).Where("id = ?", caseID).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return notFound("No case has the ID %d.", caseID)
		}
		e := ev
		e.ID, e.CreatedAt = 0, db.now()
		if err := insertChildren(tx, caseID, &e, rows); err != nil {
			return fmt.Errorf("follow-up: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, db.wrap("store: add follow-up", err)
	}
	ids := make([]uint64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	return ids, nil
}
