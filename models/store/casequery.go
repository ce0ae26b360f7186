package store

import (
	"context"
	"errors"

	"gorm.io/gorm"

	"tapline/models"
)

// Paging bounds for list queries.
const (
	defaultLimit = 50
	maxLimit     = 500
)

// FindCaseByNumber implements models.CaseService.
func (db *DB) FindCaseByNumber(ctx context.Context, number string) (*models.Case, error) {
	c, err := findCase(db.conn.WithContext(ctx), number)
	if err != nil {
		return nil, db.wrap("store: find case", err)
	}
	return c, nil
}

// findCase loads a case by number on conn (the pool or a transaction).
func findCase(conn *gorm.DB, number string) (*models.Case, error) {
	var c models.Case
	err := conn.Where("number = ?", number).Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, notFound("No case has the number %s.", number)
	}
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// FindCases implements models.CaseService: newest first, with the total.
func (db *DB) FindCases(ctx context.Context, f models.CaseFilter) ([]*models.Case, int, error) {
	const op = "store: find cases"
	q := db.conn.WithContext(ctx).Model(&models.Case{})
	for _, eq := range [][2]string{
		{"status", f.Status}, {"department", f.Department}, {"phone", f.Phone}, {"resident_id", f.ResidentID},
	} {
		if eq[1] != "" {
			q = q.Where(eq[0]+" = ?", eq[1])
		}
	}
	if f.Since != nil {
		q = q.Where("created_at >= ?", norm(*f.Since))
	}
	q = q.Session(&gorm.Session{}) // reusable: Count and Find each clone it
	var cases []*models.Case
	offset, limit := max(f.Offset, 0), pageLimit(f.Limit)
	err := q.Order("created_at DESC").Order("id DESC").Offset(offset).Limit(limit).Find(&cases).Error
	if err != nil {
		return nil, 0, db.wrap(op, err)
	}
	if offset == 0 && len(cases) < limit {
		// A first page that is not full holds every match: no COUNT round
		// trip (casework looks up a resident's cases on every message).
		return cases, len(cases), nil
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, db.wrap(op, err)
	}
	return cases, int(total), nil
}

// CaseEvents implements models.CaseService: the timeline, oldest first.
func (db *DB) CaseEvents(ctx context.Context, caseID uint64) ([]*models.CaseEvent, error) {
	var events []*models.CaseEvent
	err := db.conn.WithContext(ctx).Where("case_id = ?", caseID).
		Order("created_at ASC").Order("id ASC").Find(&events).Error
	if err != nil {
		return nil, db.wrap("store: case events", err)
	}
	return events, nil
}

// pageLimit applies the default and the ceiling of a list limit.
func pageLimit(limit int) int {
	switch {
	case limit <= 0:
		return defaultLimit
	case limit > maxLimit:
		return maxLimit
	default:
		return limit
	}
}
