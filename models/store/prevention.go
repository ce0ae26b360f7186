package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"tapline/models"
)

var _ models.PreventionService = (*DB)(nil)

// Recurrences implements models.PreventionService with two GROUP BY
// counts over the window.
func (db *DB) Recurrences(ctx context.Context, since, until time.Time, areaMin, deptMin int) ([]models.Recurrence, error) {
	conn := db.conn.WithContext(ctx).Model(&models.Case{}).Where("created_at >= ? AND created_at < ?", norm(since), norm(until))
	var areas []struct {
		Category, AreaKey, Department string
		N                             int
	}
	err := conn.Session(&gorm.Session{}).Select("category, area_key, MIN(department) AS department, COUNT(*) AS n").
		Where("area_key <> ''").Group("category, area_key").Having("COUNT(*) >= ?", areaMin).
		Order("category, area_key").Scan(&areas).Error
	if err != nil {
		return nil, db.wrap("store: recurrences", err)
	}
	var depts []struct {
		Category, Department string
		N                    int
	}
	err = conn.Session(&gorm.Session{}).Select("category, department, COUNT(*) AS n").
		Group("category, department").Having("COUNT(*) >= ?", deptMin).Order("category, department").Scan(&depts).Error
	if err != nil {
		return nil, db.wrap("store: recurrences", err)
	}
	out := make([]models.Recurrence, 0, len(areas)+len(depts))
	for _, a := range areas {
		out = append(out, models.Recurrence{Kind: "area", Category: a.Category, AreaKey: a.AreaKey, Department: a.Department, Cases: a.N})
	}
	for _, d := range depts {
		out = append(out, models.Recurrence{Kind: "department", Category: d.Category, Department: d.Department, Cases: d.N})
	}
	return out, nil
}

// CountRecurrence implements models.PreventionService.
func (db *DB) CountRecurrence(ctx context.Context, r models.Recurrence, since, until time.Time) (int, error) {
	q := db.conn.WithContext(ctx).Model(&models.Case{}).
		Where("category = ? AND created_at >= ? AND created_at < ?", r.Category, norm(since), norm(until))
	if r.Kind == "area" {
		q = q.Where("area_key = ?", r.AreaKey)
	} else {
		q = q.Where("department = ?", r.Department)
	}
	var n int64
	err := q.Count(&n).Error
	return int(n), db.wrap("store: count recurrence", err)
}

// CreatePrevention implements models.PreventionService.
func (db *DB) CreatePrevention(ctx context.Context, p *models.Prevention) error {
	row := *p
	now := db.now()
	row.ID, row.CreatedAt, row.UpdatedAt, row.Since = 0, now, now, norm(p.Since)
	err := db.conn.WithContext(ctx).Create(&row).Error
	if isDuplicate(err) {
		return models.Errorf(models.ECONFLICT, "A prevention item for this recurrence is still open.")
	}
	if err != nil {
		return db.wrap("store: create prevention", err)
	}
	*p = row
	return nil
}

// FindPrevention implements models.PreventionService.
func (db *DB) FindPrevention(ctx context.Context, id uint64) (*models.Prevention, error) {
	var p models.Prevention
	err := db.conn.WithContext(ctx).Where("id = ?", id).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, notFound("Prevention item %d does not exist.", id)
	}
	if err != nil {
		return nil, db.wrap("store: find prevention", err)
	}
	return &p, nil
}

// UpdatePrevention implements models.PreventionService: one UPDATE
// guarded by the status the caller decided on.
func (db *DB) UpdatePrevention(ctx context.Context, p *models.Prevention, from string) error {
	p.UpdatedAt = db.now()
	if p.Status == models.PreventionChecked {
		p.OpenKey = nil
	}
	res := db.conn.WithContext(ctx).Model(&models.Prevention{}).Where("id = ? AND status = ?", p.ID, from).
		Select("open_key", "status", "measure", "approved_by", "approved_at", "effect", "updated_at").Updates(p)
	if res.Error != nil {
		return db.wrap("store: update prevention", fmt.Errorf("%w", res.Error))
	}
	if res.RowsAffected == 0 {
		return models.Errorf(models.ECONFLICT, "Prevention item %d changed meanwhile.", p.ID)
	}
	return nil
}

// ListPreventions implements models.PreventionService.
func (db *DB) ListPreventions(ctx context.Context, statuses ...string) ([]*models.Prevention, error) {
	var out []*models.Prevention
	err := db.conn.WithContext(ctx).Where("status IN ?", statuses).Order("id").Find(&out).Error
	return out, db.wrap("store: list preventions", err)
}
