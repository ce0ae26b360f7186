package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"gorm.io/gorm"

	"tapline/models"
)

var _ models.CorrectionService = (*DB)(nil)

// CorrectCase implements models.CorrectionService (policy 4.1.1): the
// field is set by one UPDATE guarded by the case's Version, the lock of
// Apply (errStale, then staleOrMissing or errPrecondition), and the
// correct event keeping the old value is written in the same transaction.
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
// cc.Version and inserts the event.
func (db *DB) writeCorrection(tx *gorm.DB, cur *models.Case, cc *models.CaseCorrection) (models.Correction, error) {
	fix := models.Correction{Field: cc.Field, Old: correctedValue(cur, cc.Field), New: cc.Value}
	if fix.Old == fix.New {
		return fix, models.Errorf(models.EINVALID, "新值与原记录相同，无需更正。")
	}
	now := db.now()
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
	text, err := json.Marshal(fix)
	if err != nil {
		return fix, err
	}
	ev := cc.Event
	ev.ID, ev.Type, ev.Text, ev.CreatedAt = 0, models.EventCorrect, string(text), now
	ev.FromStatus, ev.ToStatus = cur.Status, cur.Status
	return fix, insertChildren(tx, cur.ID, &ev, nil)
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
