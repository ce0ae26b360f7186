package store

import (
	"context"
	"errors"

	"gorm.io/gorm"

	"tapline/models"
)

var _ models.AftercareService = (*DB)(nil)

// CallBacks implements models.AftercareService.
func (db *DB) CallBacks(ctx context.Context, caseID uint64) ([]*models.CallBack, error) {
	var out []*models.CallBack
	err := db.conn.WithContext(ctx).Where("case_id = ?", caseID).Order("id").Find(&out).Error
	return out, db.wrap("store: call-backs", err)
}

// AddRating implements models.AftercareService: the case's primary key
// makes a second rating a conflict.
func (db *DB) AddRating(ctx context.Context, r *models.Rating) error {
	if r == nil || r.CaseID == 0 || r.Score < 1 || r.Score > 5 {
		return models.Errorf(models.EINVALID, "A rating needs a case and a score from 1 to 5.")
	}
	row := *r
	row.CreatedAt = db.now()
	err := db.conn.WithContext(ctx).Create(&row).Error
	if isDuplicate(err) {
		return models.Errorf(models.ECONFLICT, "This case was rated already.")
	}
	if err != nil {
		return db.wrap("store: add rating", err)
	}
	*r = row
	return nil
}

// FindRating implements models.AftercareService.
func (db *DB) FindRating(ctx context.Context, caseID uint64) (*models.Rating, error) {
	var r models.Rating
	err := db.conn.WithContext(ctx).Where("case_id = ?", caseID).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, notFound("Case %d has no rating.", caseID)
	}
	if err != nil {
		return nil, db.wrap("store: find rating", err)
	}
	return &r, nil
}
