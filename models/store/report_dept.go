package store

import (
	"context"
	"fmt"
	"sort"
	"time"

	"gorm.io/gorm"

	"tapline/models"
)

// depts collects the departments' assessment numbers (policy 6.1, 6.2).
type depts map[string]*models.DeptStats

func newDepts() depts { return depts{} }

// get returns a department's numbers, created empty.
func (d depts) get(dept string) *models.DeptStats {
	if d[dept] == nil {
		d[dept] = &models.DeptStats{Department: dept, Stages: map[string]models.TimingCounts{}}
	}
	return d[dept]
}

// list returns the departments by key.
func (d depts) list() []*models.DeptStats {
	out := make([]*models.DeptStats, 0, len(d))
	for _, s := range d {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Department < out[j].Department })
	return out
}

// fillDeptWarnings adds the warnings recorded in the period against each
// department and person (policy 6.1, 6.2).
func fillDeptWarnings(conn *gorm.DB, p period, d depts) error {
	rows, err := warningCounts(conn, p.since, p.until)
	if err != nil {
		return err
	}
	for _, r := range rows {
		d.get(r.Department).AddWarnings(r.Key, r.Count)
	}
	for _, s := range d {
		s.SortResponsible()
	}
	return nil
}

// WarningCounts implements models.ReportService.
func (db *DB) WarningCounts(ctx context.Context, since, until time.Time) ([]models.DeptCount, error) {
	rows, err := warningCounts(db.reads.WithContext(ctx), norm(since), norm(until))
	if err != nil {
		return nil, db.wrap("store: warning counts", err)
	}
	return rows, nil
}

// warningCounts groups the period's warnings by department and person.
func warningCounts(conn *gorm.DB, since, until time.Time) ([]models.DeptCount, error) {
	var rows []models.DeptCount
	err := conn.Model(&models.Warning{}).Select("department, responsible AS `key`, COUNT(*) AS count").
		Where("created_at >= ? AND created_at < ?", since, until).
		Group("department, responsible").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("count warnings: %w", err)
	}
	return rows, nil
}

// approvalRow is one department's approval latencies.
type approvalRow struct {
	Dept    string
	Count   int
	Seconds float64
}

// fillDeptApprovals sums the time from each approved measure version's
// proposal to its approval (policy 4.2.7).
func (db *DB) fillDeptApprovals(conn *gorm.DB, p period, d depts) error {
	diff := "TIMESTAMPDIFF(MICROSECOND, m.created_at, a.created_at) / 1000000.0"
	if db.dialect == DialectSQLite {
		diff = "(julianday(a.created_at) - julianday(m.created_at)) * 86400.0"
	}
	var rows []approvalRow
	err := conn.Table("approvals AS a").
		Select("c.department AS dept, COUNT(*) AS count, COALESCE(SUM("+diff+"), 0) AS seconds").
		Joins("JOIN measures m ON m.id = a.measure_id").Joins("JOIN cases c ON c.id = a.case_id").
		Where(monthCases+" AND a.decision = ?", p.since, p.until, models.DecisionApprove).
		Group("c.department").Scan(&rows).Error
	if err != nil {
		return fmt.Errorf("approval latency: %w", err)
	}
	for _, r := range rows {
		s := d.get(r.Dept)
		s.Approvals, s.ApprovalSeconds = r.Count, r.Seconds
	}
	return nil
}
