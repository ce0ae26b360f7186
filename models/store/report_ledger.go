package store

import (
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"tapline/models"
)

// The ledger's loaders read one batch of cases each: a range of case IDs
// (the batch's first to last, one index range scan rather than a list of a
// thousand IDs), only the columns the ledger shows, scanned without
// reflection. Rows of cases inside the range but outside the batch (cases
// of another month) are skipped.

// ledgerBatchIDs is one batch: its ID range and its cases by ID.
type ledgerBatchIDs struct {
	lo, hi uint64
	by     map[uint64]*models.LedgerCase
}

// forRows runs query with the batch's range as its last two arguments and
// calls each for every row of a case in the batch, after scanning the row
// into dest's destinations (the same for every row; the first is the case
// ID).
func forRows(tx *gorm.DB, what string, b ledgerBatchIDs, query string, args []any,
	dest func() []any, each func(lc *models.LedgerCase)) error {
	rows, err := tx.Raw(query, append(args, b.lo, b.hi)...).Rows()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer func() { _ = rows.Close() }()
	d := dest()
	for rows.Next() {
		if err := rows.Scan(d...); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		if lc := b.by[*d[0].(*uint64)]; lc != nil {
			each(lc)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// ledgerLoaders fill their own fields of a batch's rows; they run side by
// side.
var ledgerLoaders = []func(*gorm.DB, ledgerBatchIDs, time.Time) error{
	loadWork, loadMeasures, loadApprovals, loadEvents, loadCallBacks, loadRatings, loadWarnings, loadStages,
}

// loadWork fills the work rows' assignee, rounds and measure version.
func loadWork(tx *gorm.DB, b ledgerBatchIDs, _ time.Time) error {
	var w models.CaseWork
	return forRows(tx, "case work", b,
		"SELECT case_id, COALESCE(assignee, ''), round, measure_version, unfounded FROM case_work WHERE case_id BETWEEN ? AND ?", nil,
		func() []any { return []any{&w.CaseID, &w.Assignee, &w.Round, &w.MeasureVersion, &w.Unfounded} },
		func(lc *models.LedgerCase) { lc.Work = w })
}

// loadMeasures fills the current measure versions (without proposer and
// time).
func loadMeasures(tx *gorm.DB, b ledgerBatchIDs, _ time.Time) error {
	var m models.Measure
	return forRows(tx, "measures", b, "SELECT m.case_id, m.id, m.version, m.kind, m.text FROM measures m "+
		"JOIN case_work w ON w.case_id = m.case_id AND w.measure_version = m.version WHERE m.case_id BETWEEN ? AND ?", nil,
		func() []any { return []any{&m.CaseID, &m.ID, &m.Version, &m.Kind, &m.Text} },
		func(lc *models.LedgerCase) { v := m; lc.Measure = &v })
}

// loadApprovals fills each case's newest approval decision (without role
// and reason) and the latencies of its approved measure versions, from
// proposal to approval (policy 4.2.7, as fillDeptApprovals).
func loadApprovals(tx *gorm.DB, b ledgerBatchIDs, _ time.Time) error {
	var a models.Approval
	var proposed sql.NullTime
	return forRows(tx, "approvals", b, "SELECT a.case_id, a.id, a.measure_id, a.measure_version, a.approver, "+
		"a.decision, a.created_at, m.created_at FROM approvals a LEFT JOIN measures m ON m.id = a.measure_id "+
		"WHERE a.case_id BETWEEN ? AND ? ORDER BY a.id", nil,
		func() []any {
			return []any{&a.CaseID, &a.ID, &a.MeasureID, &a.MeasureVersion, &a.Approver, &a.Decision, &a.CreatedAt, &proposed}
		},
		func(lc *models.LedgerCase) {
			v := a
			lc.Approval = &v
			if a.Decision == models.DecisionApprove && proposed.Valid {
				lc.Approved++
				lc.ApprovalSeconds += a.CreatedAt.Sub(proposed.Time).Seconds()
			}
		})
}

// loadEvents fills resolution, acceptance and reopenings from the events.
func loadEvents(tx *gorm.DB, b ledgerBatchIDs, _ time.Time) error {
	var id uint64
	var typ string
	var at time.Time
	return forRows(tx, "events", b, "SELECT case_id, type, created_at FROM case_events "+
		"WHERE type IN (?, ?, ?, ?) AND case_id BETWEEN ? AND ? ORDER BY id",
		[]any{evDone, evResidentAccept, evResidentReject, evReopen},
		func() []any { return []any{&id, &typ, &at} },
		func(lc *models.LedgerCase) {
			at := at
			switch typ {
			case evDone:
				lc.ResolvedAt = &at
			case evReopen:
				lc.Reopens++
			default:
				lc.Acceptance, lc.AcceptanceAt = typ, &at
			}
		})
}

// loadCallBacks fills the call-back attempts (without caller, note and
// time).
func loadCallBacks(tx *gorm.DB, b ledgerBatchIDs, _ time.Time) error {
	var cb models.CallBack
	return forRows(tx, "call-backs", b,
		"SELECT case_id, id, attempt, outcome FROM call_backs WHERE case_id BETWEEN ? AND ? ORDER BY id", nil,
		func() []any { return []any{&cb.CaseID, &cb.ID, &cb.Attempt, &cb.Outcome} },
		func(lc *models.LedgerCase) { lc.CallBacks = append(lc.CallBacks, cb) })
}

// loadRatings fills the residents' scores (without comment).
func loadRatings(tx *gorm.DB, b ledgerBatchIDs, _ time.Time) error {
	var r models.Rating
	return forRows(tx, "ratings", b, "SELECT case_id, score FROM ratings WHERE case_id BETWEEN ? AND ?", nil,
		func() []any { return []any{&r.CaseID, &r.Score} },
		func(lc *models.LedgerCase) { v := r; lc.Rating = &v })
}

// loadWarnings fills the warnings' count and responsible persons.
func loadWarnings(tx *gorm.DB, b ledgerBatchIDs, _ time.Time) error {
	var id uint64
	var person string
	return forRows(tx, "warnings", b,
		"SELECT case_id, COALESCE(responsible, '') FROM warnings WHERE case_id BETWEEN ? AND ? ORDER BY id", nil,
		func() []any { return []any{&id, &person} },
		func(lc *models.LedgerCase) {
			lc.Warnings++
			if person != "" && !slices.Contains(lc.Responsible, person) {
				lc.Responsible = append(lc.Responsible, person)
			}
		})
}

// loadStages fills the stage verdicts: each deadline's rank, the worst per
// stage winning, one row per case with a column per stage (the deadlines'
// case-and-stage index holds every column read).
func loadStages(tx *gorm.DB, b ledgerBatchIDs, now time.Time) error {
	var id uint64
	ranks := make([]int, len(models.AllStages))
	dest := []any{&id}
	for i := range ranks {
		dest = append(dest, &ranks[i])
	}
	return forRows(tx, "stages", b, stagesQuery, []any{now},
		func() []any { return dest },
		func(lc *models.LedgerCase) {
			for i, rank := range ranks {
				if rank > 0 {
					lc.Stages[models.AllStages[i]] = rankVerdicts[rank]
				}
			}
		})
}

// stagesQuery pivots the deadlines of a range of cases into one row per
// case: the case ID and the highest rank per stage (models.AllStages
// order). Parameters: now, then the range.
var stagesQuery = func() string {
	cols := make([]string, len(models.AllStages))
	for i, st := range models.AllStages {
		cols[i] = "MAX(CASE WHEN stage = '" + st + "' THEN r ELSE 0 END)"
	}
	return "SELECT case_id, " + strings.Join(cols, ", ") + " FROM (SELECT d.case_id, d.stage, " + rankExpr +
		" AS r FROM deadlines d WHERE d.case_id BETWEEN ? AND ?) x GROUP BY case_id"
}()
