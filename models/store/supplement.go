package store

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"tapline/models"
)

// SupplementCase implements models.CaseService: the non-empty contact
// fields of c replace the stored ones (PRODUCT A4), with the event and
// outbox rows, in one transaction guarded by the case's Version.
func (db *DB) SupplementCase(ctx context.Context, number string, c *models.Case, ev models.CaseEvent, outbox []models.Outbox) (*models.Case, error) {
	const op = "store: supplement case"
	if c == nil {
		return nil, models.Errorf(models.EINVALID, "Nothing to supplement.")
	}
	var out models.Case
	err := db.inTx(ctx, func(tx *gorm.DB) error {
		cur, err := findCase(tx, number)
		if err != nil {
			return err
		}
		now := db.now()
		updates := supplementFields(cur, c)
		updates["version"] = cur.Version + 1
		updates["updated_at"] = now
		res := tx.Model(&models.Case{}).Where("id = ? AND version = ?", cur.ID, cur.Version).Updates(updates)
		if res.Error != nil {
			return fmt.Errorf("update case: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return errRetry // a concurrent change won: reload and apply again
		}
		cur.Version, cur.UpdatedAt = cur.Version+1, now
		e := ev
		e.ID, e.CreatedAt = 0, now
		if e.Type == "" {
			e.Type = eventSupplemented
		}
		out = *cur
		return insertChildren(tx, cur.ID, &e, prepareOutbox(outbox, now))
	})
	if errors.Is(err, errRetry) {
		return nil, models.Errorf(models.ECONFLICT, "The case %s changed meanwhile; please try again.", number)
	}
	if err != nil {
		return nil, db.wrap(op, err)
	}
	return &out, nil
}

// supplementFields copies the non-empty contact fields of src into cur and
// returns them as column updates.
func supplementFields(cur, src *models.Case) map[string]any {
	updates := map[string]any{}
	set := func(col string, dst *string, v string) {
		if v != "" {
			*dst = v
			updates[col] = v
		}
	}
	set("name", &cur.Name, src.Name)
	set("address", &cur.Address, src.Address)
	set("phone", &cur.Phone, src.Phone)
	set("details", &cur.Details, src.Details)
	set("expectation", &cur.Expectation, src.Expectation)
	set("attachments", &cur.Attachments, src.Attachments)
	set("area_key", &cur.AreaKey, src.AreaKey)
	return updates
}
