package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"gorm.io/gorm"

	"tapline/models"
)

var _ models.ReportService = (*DB)(nil)

// Event types the ledger reads (bot/casework's actions and the call-back
// reopening).
const (
	evDone           = "done"
	evResidentAccept = "resident_accept"
	evResidentReject = "resident_reject"
	evReopen         = "reopen"
)

// Ledger batch sizes.
const (
	defaultLedgerBatch = 500
	maxLedgerBatch     = 5000
)

// ledgerColumns are the case columns the ledger needs (no draft key, no
// attachments).
var ledgerColumns = []string{"id", "number", "status", "source", "resident_id", "category", "department",
	"major", "major_reason", "urgent", "incident_id", "area_key", "external_ref", "name", "address", "phone",
	"details", "expectation", "created_at", "updated_at"}

// LedgerCases implements models.ReportService: keyset pagination on the
// case ID, then one query per related table for the whole batch, the
// queries of a batch run side by side and the next batch read while fn
// handles the current one (on MySQL the walk waits on the server, not on
// the CPU; SQLite's one connection serialises them).
func (db *DB) LedgerCases(ctx context.Context, since, until, now time.Time, batch int, fn func([]*models.LedgerCase) error) error {
	if batch <= 0 {
		batch = defaultLedgerBatch
	}
	batch = min(batch, maxLedgerBatch)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan ledgerBatch, 1)
	go db.readLedger(ctx, norm(since), norm(until), norm(now), batch, batches)
	for b := range batches {
		if b.err != nil {
			return db.wrap("store: ledger cases", b.err)
		}
		if err := fn(b.rows); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// ledgerBatch is one batch read ahead, or the error that ended the walk.
type ledgerBatch struct {
	rows []*models.LedgerCase
	err  error
}

// readLedger reads the batches into out and closes it.
func (db *DB) readLedger(ctx context.Context, since, until, now time.Time, batch int, out chan<- ledgerBatch) {
	defer close(out)
	var last uint64
	for {
		var cases []models.Case
		err := db.conn.WithContext(ctx).Select(ledgerColumns).
			Where("created_at >= ? AND created_at < ? AND id > ?", since, until, last).
			Order("id").Limit(batch).Find(&cases).Error
		var b ledgerBatch
		if err == nil && len(cases) > 0 {
			b.rows, err = db.loadBatch(ctx, cases, now)
		}
		b.err = err
		if b.err == nil && len(cases) == 0 {
			return
		}
		select {
		case out <- b:
		case <-ctx.Done():
			return
		}
		if b.err != nil || len(cases) < batch {
			return
		}
		last = cases[len(cases)-1].ID
	}
}

// loadBatch reads the related rows of a batch of cases, the tables side
// by side.
func (db *DB) loadBatch(ctx context.Context, cases []models.Case, now time.Time) ([]*models.LedgerCase, error) {
	conn := db.conn.WithContext(ctx)
	ids := make([]uint64, len(cases))
	out := make([]*models.LedgerCase, len(cases))
	byID := make(map[uint64]*models.LedgerCase, len(cases))
	for i := range cases {
		ids[i] = cases[i].ID
		out[i] = &models.LedgerCase{Case: cases[i], Work: models.CaseWork{CaseID: cases[i].ID}, Stages: map[string]string{}}
		byID[ids[i]] = out[i]
	}
	// Each step fills its own fields of the rows.
	steps := []func(*gorm.DB, []uint64, map[uint64]*models.LedgerCase) error{
		loadWork, loadMeasures, loadApprovals, loadEvents, loadCallBacks, loadRatings, loadWarnings,
		func(tx *gorm.DB, ids []uint64, by map[uint64]*models.LedgerCase) error {
			return loadStages(tx, ids, by, now)
		},
	}
	errs := make([]error, len(steps))
	var wg sync.WaitGroup
	for i, step := range steps {
		wg.Go(func() { errs[i] = step(conn, ids, byID) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// loadWork fills the work rows.
func loadWork(tx *gorm.DB, ids []uint64, by map[uint64]*models.LedgerCase) error {
	var rows []models.CaseWork
	if err := tx.Where("case_id IN ?", ids).Find(&rows).Error; err != nil {
		return fmt.Errorf("case work: %w", err)
	}
	for _, w := range rows {
		by[w.CaseID].Work = w
	}
	return nil
}

// loadMeasures fills the current measure versions.
func loadMeasures(tx *gorm.DB, ids []uint64, by map[uint64]*models.LedgerCase) error {
	var rows []models.Measure
	err := tx.Table("measures AS m").Select("m.*").
		Joins("JOIN case_work w ON w.case_id = m.case_id AND w.measure_version = m.version").
		Where("m.case_id IN ?", ids).Find(&rows).Error
	if err != nil {
		return fmt.Errorf("measures: %w", err)
	}
	for i := range rows {
		by[rows[i].CaseID].Measure = &rows[i]
	}
	return nil
}

// loadApprovals fills each case's newest approval decision.
func loadApprovals(tx *gorm.DB, ids []uint64, by map[uint64]*models.LedgerCase) error {
	var rows []models.Approval
	if err := tx.Where("case_id IN ?", ids).Order("id").Find(&rows).Error; err != nil {
		return fmt.Errorf("approvals: %w", err)
	}
	for i := range rows {
		by[rows[i].CaseID].Approval = &rows[i]
	}
	return nil
}

// loadEvents fills resolution, acceptance and reopenings from the events.
func loadEvents(tx *gorm.DB, ids []uint64, by map[uint64]*models.LedgerCase) error {
	var rows []models.CaseEvent
	err := tx.Select("id", "case_id", "type", "created_at").
		Where("case_id IN ? AND type IN ?", ids, []string{evDone, evResidentAccept, evResidentReject, evReopen}).
		Order("id").Find(&rows).Error
	if err != nil {
		return fmt.Errorf("events: %w", err)
	}
	for _, e := range rows {
		lc, at := by[e.CaseID], e.CreatedAt
		switch e.Type {
		case evDone:
			lc.ResolvedAt = &at
		case evReopen:
			lc.Reopens++
		default:
			lc.Acceptance, lc.AcceptanceAt = e.Type, &at
		}
	}
	return nil
}

// loadCallBacks fills the call-back attempts.
func loadCallBacks(tx *gorm.DB, ids []uint64, by map[uint64]*models.LedgerCase) error {
	var rows []models.CallBack
	if err := tx.Where("case_id IN ?", ids).Order("id").Find(&rows).Error; err != nil {
		return fmt.Errorf("call-backs: %w", err)
	}
	for _, cb := range rows {
		by[cb.CaseID].CallBacks = append(by[cb.CaseID].CallBacks, cb)
	}
	return nil
}

// loadRatings fills the residents' ratings.
func loadRatings(tx *gorm.DB, ids []uint64, by map[uint64]*models.LedgerCase) error {
	var rows []models.Rating
	if err := tx.Where("case_id IN ?", ids).Find(&rows).Error; err != nil {
		return fmt.Errorf("ratings: %w", err)
	}
	for i := range rows {
		by[rows[i].CaseID].Rating = &rows[i]
	}
	return nil
}

// loadWarnings fills the warnings' count and responsible persons.
func loadWarnings(tx *gorm.DB, ids []uint64, by map[uint64]*models.LedgerCase) error {
	var rows []models.Warning
	err := tx.Select("id", "case_id", "responsible").Where("case_id IN ?", ids).Order("id").Find(&rows).Error
	if err != nil {
		return fmt.Errorf("warnings: %w", err)
	}
	for _, w := range rows {
		lc := by[w.CaseID]
		lc.Warnings++
		if w.Responsible != "" && !slices.Contains(lc.Responsible, w.Responsible) {
			lc.Responsible = append(lc.Responsible, w.Responsible)
		}
	}
	return nil
}

// loadStages fills the stage verdicts: each deadline's rank, the worst
// per stage winning.
func loadStages(tx *gorm.DB, ids []uint64, by map[uint64]*models.LedgerCase, now time.Time) error {
	rows, err := tx.Raw("SELECT d.case_id, d.stage, "+rankExpr+" FROM deadlines d WHERE d.case_id IN ?", now, ids).Rows()
	if err != nil {
		return fmt.Errorf("stages: %w", err)
	}
	defer func() { _ = rows.Close() }()
	ranks := map[uint64]map[string]int{}
	for rows.Next() {
		var id uint64
		var stage string
		var rank int
		if err := rows.Scan(&id, &stage, &rank); err != nil {
			return fmt.Errorf("stages: %w", err)
		}
		if ranks[id] == nil {
			ranks[id] = map[string]int{}
		}
		ranks[id][stage] = max(ranks[id][stage], rank)
	}
	for id, stages := range ranks {
		for stage, rank := range stages {
			if rank > 0 {
				by[id].Stages[stage] = rankVerdicts[rank]
			}
		}
	}
	return rows.Err()
}

// rankExpr ranks one deadline of alias d (one parameter: now): 4 still
// running past due, 3 done (or abandoned) after due, 2 running, 1 done in
// time, 0 dropped before due (its case moved on: it says nothing). A
// stage's verdict is its deadlines' highest rank.
const rankExpr = `CASE WHEN d.status = 'running' AND d.due_at < ? THEN 4
 WHEN d.status IN ('done', 'dropped') AND d.done_at > d.due_at THEN 3
 WHEN d.status = 'running' THEN 2 WHEN d.status = 'done' THEN 1 ELSE 0 END`

// rankVerdicts turns a rank into a models.Timing* verdict.
var rankVerdicts = [...]string{1: models.TimingOnTime, 2: models.TimingRunning, 3: models.TimingLate, 4: models.TimingOverdue}
