package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"tapline/models"
)

// period is a report's half-open time range and its clock.
type period struct{ since, until, now time.Time }

// monthCases is the filter of the period's cases on the alias c.
const monthCases = "c.created_at >= ? AND c.created_at < ?"

// groupRow is one row of a GROUP BY department, key count.
type groupRow struct {
	Dept  string
	Key   string
	Count int
}

// ReportTotals implements models.ReportService: each count is one GROUP
// BY department and key, summed for the month and kept per department.
func (db *DB) ReportTotals(ctx context.Context, since, until, now time.Time) (*models.ReportTotals, error) {
	const op = "store: report totals"
	p := period{norm(since), norm(until), norm(now)}
	conn := db.reads.WithContext(ctx)
	t := &models.ReportTotals{Stages: map[string]models.TimingCounts{}}
	d := newDepts()
	groups := []struct {
		col  string
		dest *[]models.ReportCount
		cond string
		dept func(*models.DeptStats, int)
	}{
		{"c.category", &t.ByCategory, "", func(s *models.DeptStats, n int) { s.Cases += n }},
		{"c.department", &t.ByDepartment, "", nil}, {"c.source", &t.BySource, "", nil}, {"c.status", &t.ByStatus, "", nil},
		{"c.major_reason", &t.ByCriterion, " AND c.major = ?", func(s *models.DeptStats, n int) { s.Major += n }},
	}
	for _, g := range groups {
		rows, err := caseGroups(conn, g.col, g.cond, p)
		if err != nil {
			return nil, db.wrap(op, err)
		}
		*g.dest = sumByKey(rows)
		for _, r := range rows {
			if g.dept != nil {
				g.dept(d.get(r.Dept), r.Count)
			}
		}
	}
	for _, r := range t.ByCategory {
		t.Cases += r.Count
	}
	for _, r := range t.ByCriterion {
		t.Major += r.Count
	}
	if err := db.fillTotals(conn, t, d, p); err != nil {
		return nil, db.wrap(op, err)
	}
	t.Departments = d.list()
	return t, nil
}

// fillTotals adds the urgent, reopened, stage, call-back and rating counts
// and the departments' warnings and approval latencies.
func (db *DB) fillTotals(conn *gorm.DB, t *models.ReportTotals, d depts, p period) error {
	var urgent int64
	if err := conn.Model(&models.Case{}).Where("created_at >= ? AND created_at < ? AND urgent = ?", p.since, p.until, true).
		Count(&urgent).Error; err != nil {
		return fmt.Errorf("urgent: %w", err)
	}
	t.Urgent = int(urgent)
	reopened, err := reopenGroups(conn, p)
	if err != nil {
		return err
	}
	for _, r := range reopened {
		t.Reopened += r.Count
		d.get(r.Dept).Reopened += r.Count
	}
	if err := stageVerdicts(conn, p, func(dept, stage, verdict string) {
		models.AddVerdict(t.Stages, stage, verdict)
		models.AddVerdict(d.get(dept).Stages, stage, verdict)
	}); err != nil {
		return err
	}
	cbs, err := callBackGroups(conn, p)
	if err != nil {
		return err
	}
	t.CallBacks = sumByKey(cbs)
	for _, r := range cbs {
		s := d.get(r.Dept)
		s.CallBacks = append(s.CallBacks, models.ReportCount{Key: r.Key, Count: r.Count})
	}
	for _, s := range d {
		models.SortCounts(s.CallBacks)
	}
	rows, err := caseGroups(conn.Joins("JOIN ratings r ON r.case_id = c.id"), "r.score", "", p)
	if err != nil {
		return err
	}
	t.Ratings = sumByKey(rows)
	if err := fillDeptWarnings(conn, p, d); err != nil {
		return err
	}
	return db.fillDeptApprovals(conn, p, d)
}

// caseGroups counts the period's cases grouped by department and col.
func caseGroups(conn *gorm.DB, col, cond string, p period) ([]groupRow, error) {
	args := []any{p.since, p.until}
	if cond != "" {
		args = append(args, true)
	}
	var rows []groupRow
	err := conn.Table("cases AS c").Select("c.department AS dept, "+col+" AS `key`, COUNT(*) AS count").
		Where(monthCases+cond, args...).Group("c.department, " + col).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("count cases by %s: %w", col, err)
	}
	return rows, nil
}

// reopenGroups counts per department the period's cases reopened at least once.
func reopenGroups(conn *gorm.DB, p period) ([]groupRow, error) {
	var rows []groupRow
	err := conn.Table("cases AS c").Select("c.department AS dept, COUNT(*) AS count").
		Where(monthCases+" AND EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.type = ?)",
			p.since, p.until, evReopen).Group("c.department").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("count reopened: %w", err)
	}
	return rows, nil
}

// callBackGroups counts per department each case's newest call-back outcome.
func callBackGroups(conn *gorm.DB, p period) ([]groupRow, error) {
	var rows []groupRow
	err := conn.Table("call_backs AS cb").Select("c.department AS dept, cb.outcome AS `key`, COUNT(*) AS count").
		Joins("JOIN cases c ON c.id = cb.case_id").
		Where(monthCases+" AND cb.id = (SELECT MAX(x.id) FROM call_backs x WHERE x.case_id = cb.case_id)", p.since, p.until).
		Group("c.department, cb.outcome").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("count call-backs: %w", err)
	}
	return rows, nil
}

// stageVerdicts reads the deadlines of the period's cases in case order,
// each with its rank (rankExpr), and calls fn once per case and stage with
// the worst verdict: one pass, no GROUP BY over every deadline (which
// SQLite sorts on disk).
func stageVerdicts(conn *gorm.DB, p period, fn func(dept, stage, verdict string)) error {
	rows, err := conn.Raw("SELECT c.id, c.department, d.stage, "+rankExpr+
		" FROM cases c JOIN deadlines d ON d.case_id = c.id WHERE "+monthCases+" ORDER BY c.id",
		p.now, p.since, p.until).Rows()
	if err != nil {
		return fmt.Errorf("stage verdicts: %w", err)
	}
	defer func() { _ = rows.Close() }()
	var cur uint64
	var dept string
	worst := map[string]int{}
	flush := func() {
		for stage, rank := range worst {
			if rank > 0 {
				fn(dept, stage, rankVerdicts[rank])
			}
		}
		clear(worst)
	}
	for rows.Next() {
		var id uint64
		var d, stage string
		var rank int
		if err := rows.Scan(&id, &d, &stage, &rank); err != nil {
			return fmt.Errorf("stage verdicts: %w", err)
		}
		if id != cur {
			flush()
			cur, dept = id, d
		}
		worst[stage] = max(worst[stage], rank)
	}
	flush()
	return rows.Err()
}

// sumByKey merges rows by key, largest count first, then by key.
func sumByKey(rows []groupRow) []models.ReportCount {
	sums := map[string]int{}
	for _, r := range rows {
		sums[r.Key] += r.Count
	}
	return models.CountRows(sums)
}

// CaseCounts implements models.ReportService: one query, a conditional
// sum per period.
func (db *DB) CaseCounts(ctx context.Context, bounds []time.Time) ([]int, error) {
	if len(bounds) < 2 {
		return nil, models.Errorf(models.EINVALID, "Counting cases needs at least two bounds.")
	}
	var cols []string
	var args []any
	for i := 0; i+1 < len(bounds); i++ {
		if !bounds[i].Before(bounds[i+1]) {
			return nil, models.Errorf(models.EINVALID, "The bounds must increase.")
		}
		cols = append(cols, "COALESCE(SUM(CASE WHEN created_at >= ? AND created_at < ? THEN 1 ELSE 0 END), 0) AS n"+strconv.Itoa(i))
		args = append(args, norm(bounds[i]), norm(bounds[i+1]))
	}
	args = append(args, norm(bounds[0]), norm(bounds[len(bounds)-1]))
	row := db.reads.WithContext(ctx).Raw("SELECT "+strings.Join(cols, ", ")+
		" FROM cases WHERE created_at >= ? AND created_at < ?", args...).Row()
	out := make([]int, len(bounds)-1)
	dest := make([]any, len(out))
	for i := range out {
		dest[i] = &out[i]
	}
	if err := row.Scan(dest...); err != nil {
		return nil, db.wrap("store: case counts", err)
	}
	return out, nil
}
