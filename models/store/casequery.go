package store

import (
	"context"
	"errors"
	"strconv"
	"strings"

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
	q := db.search(filterCases(db.conn.WithContext(ctx).Model(&models.Case{}), f), f.Query)
	q = q.Session(&gorm.Session{}) // reusable: Count and Find each clone it
	var cases []*models.Case
	offset, limit := max(f.Offset, 0), pageLimit(f.Limit)
	err := afterCursor(q, f.After).Order("created_at DESC").Order("id DESC").Offset(offset).Limit(limit).Find(&cases).Error
	if err != nil {
		return nil, 0, db.wrap(op, err)
	}
	if offset == 0 && f.After == nil && len(cases) < limit {
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

// filterCases applies the filter's conditions to q but the search text
// (DB.search).
func filterCases(q *gorm.DB, f models.CaseFilter) *gorm.DB {
	for _, eq := range [][2]string{
		{"status", f.Status}, {"department", f.Department}, {"phone", f.Phone}, {"resident_id", f.ResidentID},
		{"category", f.Category}, {"source", f.Source}, {"address", f.Address},
	} {
		if eq[1] != "" {
			q = q.Where(eq[0]+" = ?", eq[1])
		}
	}
	if len(f.Statuses) > 0 {
		q = q.Where("status IN ?", f.Statuses)
	}
	if f.Major != nil {
		q = q.Where("major = ?", *f.Major)
	}
	if f.Since != nil {
		q = q.Where("created_at >= ?", norm(*f.Since))
	}
	if f.Until != nil {
		q = q.Where("created_at < ?", norm(*f.Until))
	}
	if f.OverdueAt != nil {
		// Overdue: a stage clock still running (or parked) past its due time.
		q = q.Where("EXISTS (SELECT 1 FROM deadlines d WHERE d.case_id = cases.id AND d.status IN ? AND d.due_at < ?)",
			[]string{models.DeadlineRunning, models.DeadlineParked}, norm(*f.OverdueAt))
	}
	return filterWork(q, f)
}

// afterCursor keeps the rows after c in the order created_at DESC, id DESC
// (keyset paging: rows filed meanwhile sort before c and shift nothing).
func afterCursor(q *gorm.DB, c *models.Cursor) *gorm.DB {
	if c == nil {
		return q
	}
	at := norm(c.CreatedAt)
	return q.Where("(created_at < ? OR (created_at = ? AND id < ?))", at, at, c.ID)
}

// likeEscaper escapes LIKE wildcards with '!' (the same on MySQL and SQLite).
var likeEscaper = strings.NewReplacer("!", "!!", "%", "!%", "_", "!_")

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

// countColumns are the columns CountCases groups by.
var countColumns = map[string]bool{"status": true, "department": true, "category": true, "source": true, "major": true}

// CountCases implements models.CaseCounter: the number of cases matching f
// per value of column by (status, department, category, source or major;
// major's values are "true" and "false"). Paging fields are ignored.
func (db *DB) CountCases(ctx context.Context, f models.CaseFilter, by string) (map[string]int, error) {
	if !countColumns[by] {
		return nil, models.Errorf(models.EINVALID, "cannot count cases by %q", by)
	}
	var rows []struct {
		Value string
		N     int
	}
	q := db.search(filterCases(db.conn.WithContext(ctx).Model(&models.Case{}), f), f.Query)
	err := q.Select(by + " AS value, COUNT(*) AS n").Group(by).Scan(&rows).Error
	if err != nil {
		return nil, db.wrap("store: count cases", err)
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		v := r.Value
		if by == "major" {
			v = strconv.FormatBool(v == "1" || v == "true")
		}
		out[v] += r.N
	}
	return out, nil
}
