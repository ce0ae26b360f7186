package store

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"gorm.io/gorm"

	"tapline/models"
)

var _ models.CorrectionService = (*DB)(nil)

// CorrectCase implements models.CorrectionService (policy 4.1.1): the
// field is set by one UPDATE guarded by the case's Version, the lock of
// Apply (errStale, then staleOrMissing or errPrecondition); the correct
// event and the correction row keeping the old value are written in the
// same transaction.
func (db *DB) CorrectCase(ctx context.Context, cc *models.CaseCorrection) (*models.Case, *models.Correction, error) {
	const op = "store: correct case"
	if cc == nil || cc.CaseID == 0 || !slices.Contains(models.CorrectFields, cc.Field) {
		return nil, nil, models.Errorf(models.EINVALID, "A correction needs a case and one of the fields %v.", models.CorrectFields)
	}
	want, expects := models.ExpectedVersion(ctx, cc.CaseID)
	if expects && want != cc.Version {
		return nil, nil, errPrecondition(want)
	}
	var out models.Case
	var fix models.Correction
	err := db.inTx(ctx, func(tx *gorm.DB) error {
		var cur models.Case
		if err := tx.Where("id = ?", cc.CaseID).Take(&cur).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return errStale // staleOrMissing tells it apart
			}
			return err
		}
		var err error
		if fix, err = db.writeCorrection(tx, &cur, cc); err != nil {
			return err
		}
		return tx.Where("id = ?", cc.CaseID).Take(&out).Error
	})
	switch {
	case errors.Is(err, errStale) && expects:
		return nil, nil, errPrecondition(want)
	case errors.Is(err, errStale):
		return nil, nil, db.staleOrMissing(ctx, cc.CaseID)
	case err != nil:
		return nil, nil, db.wrap(op, err)
	}
	return &out, &fix, nil
}

// writeCorrection updates the field of cur if its Version is still
// cc.Version and inserts the event and the correction row.
func (db *DB) writeCorrection(tx *gorm.DB, cur *models.Case, cc *models.CaseCorrection) (models.Correction, error) {
	now := db.now()
	fix := models.Correction{CaseID: cur.ID, Field: cc.Field, Old: correctedValue(cur, cc.Field), New: cc.Value,
		Actor: cc.Event.Actor, CreatedAt: now}
	if fix.Old == fix.New {
		return fix, models.Errorf(models.EINVALID, "新值与原记录相同，无需更正。")
	}
	updates := map[string]any{cc.Field: cc.Value, "version": gorm.Expr("version + 1"), "updated_at": now}
	if cc.Field == models.CorrectAddress && cc.AreaKey != "" {
		updates["area_key"] = cc.AreaKey
	}
	res := tx.Model(&models.Case{}).Where("id = ? AND version = ?", cur.ID, cc.Version).Updates(updates)
	if res.Error != nil {
		return fix, fmt.Errorf("update case: %w", res.Error)
	}
	if res.RowsAffected == 0 { // MySQL counts found rows (clientFoundRows)
		return fix, errStale
	}
	ev := cc.Event
	ev.ID, ev.Type, ev.Text, ev.CreatedAt = 0, models.EventCorrect, "更正记录", now
	if cc.Describe != nil {
		ev.Text = cc.Describe(fix)
	}
	ev.FromStatus, ev.ToStatus = cur.Status, cur.Status
	if err := insertChildren(tx, cur.ID, &ev, nil); err != nil {
		return fix, err
	}
	fix.EventID = ev.ID
	if err := tx.Create(&fix).Error; err != nil {
		return fix, fmt.Errorf("insert correction: %w", err)
	}
	return fix, nil
}

// CaseCorrections implements models.CorrectionService.
func (db *DB) CaseCorrections(ctx context.Context, caseID uint64) ([]*models.Correction, error) {
	var out []*models.Correction
	err := db.conn.WithContext(ctx).Where("case_id = ?", caseID).Order("id ASC").Find(&out).Error
	if err != nil {
		return nil, db.wrap("store: case corrections", err)
	}
	return out, nil
}

// correctedValue is the stored value of a correctable field.
func correctedValue(c *models.Case, field string) string {
	switch field {
	case models.CorrectName:
		return c.Name
	case models.CorrectPhone:
		return c.Phone
	default:
		return c.Address
	}
}
