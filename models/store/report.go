package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

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

// ledgerCasesQuery reads a batch of the month's cases: the columns the
// ledger needs (no draft key, attachments or version).
const ledgerCasesQuery = "SELECT id, number, status, source, COALESCE(resident_id, ''), category, department, major, " +
	"COALESCE(major_reason, ''), urgent, incident_id, COALESCE(area_key, ''), COALESCE(external_ref, ''), name, " +
	"address, phone, details, COALESCE(expectation, ''), created_at " +
	"FROM cases WHERE id > ? AND id <= ? AND +created_at >= ? AND +created_at < ? ORDER BY id LIMIT ?"

// ledgerBoundsQuery finds the month's first and last case IDs: the
// batches then walk the primary key between them (the unary plus keeps
// SQLite from walking the created_at index and sorting the whole month for
// every batch).
const ledgerBoundsQuery = "SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM cases WHERE created_at >= ? AND created_at < ?"

// ledgerAhead is how many batches are read ahead of the one fn handles,
// their lookups side by side.
const ledgerAhead = 2

// LedgerCases implements models.ReportService: keyset pagination on the
// case ID, then one query per related table for the whole batch, the
// queries of a batch run side by side (on the read pool: SQLite's readers
// do not wait for its writer) and the next batches read while fn handles
// the current one.
func (db *DB) LedgerCases(ctx context.Context, since, until, now time.Time, batch int, fn func([]*models.LedgerCase) error) error {
	if batch <= 0 {
		batch = defaultLedgerBatch
	}
	batch = min(batch, maxLedgerBatch)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan chan ledgerBatch, ledgerAhead-1)
	go db.readLedger(ctx, norm(since), norm(until), norm(now), batch, batches)
	for next := range batches {
		b := <-next
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

// readLedger walks the month's cases batch by batch and sends each batch's
// result, in order, as a channel its lookups fill; it closes out at the
// end.
func (db *DB) readLedger(ctx context.Context, since, until, now time.Time, batch int, out chan<- chan ledgerBatch) {
	defer close(out)
	var first, last uint64
	err := db.reads.WithContext(ctx).Raw(ledgerBoundsQuery, since, until).Row().Scan(&first, &last)
	for after := first - min(first, 1); after < last || err != nil; {
		var cases []models.Case
		if err == nil {
			cases, err = db.ledgerCases(ctx, since, until, after, last, batch)
		}
		if err == nil && len(cases) == 0 {
			return
		}
		next := make(chan ledgerBatch, 1)
		select {
		case out <- next:
		case <-ctx.Done():
			return
		}
		if err != nil {
			next <- ledgerBatch{err: err}
			return
		}
		go func() {
			rows, err := db.loadBatch(ctx, cases, now)
			next <- ledgerBatch{rows: rows, err: err}
		}()
		if len(cases) < batch {
			return
		}
		after = cases[len(cases)-1].ID
	}
}

// ledgerCases reads the next batch of cases after the ID after, up to the
// month's last.
func (db *DB) ledgerCases(ctx context.Context, since, until time.Time, after, last uint64, batch int) ([]models.Case, error) {
	rows, err := db.reads.WithContext(ctx).Raw(ledgerCasesQuery, after, last, since, until, batch).Rows()
	if err != nil {
		return nil, fmt.Errorf("cases: %w", err)
	}
	defer func() { _ = rows.Close() }()
	cases := make([]models.Case, 0, batch)
	for rows.Next() {
		var c models.Case
		err := rows.Scan(&c.ID, &c.Number, &c.Status, &c.Source, &c.ResidentID, &c.Category, &c.Department, &c.Major,
			&c.MajorReason, &c.Urgent, &c.IncidentID, &c.AreaKey, &c.ExternalRef, &c.Name, &c.Address, &c.Phone,
			&c.Details, &c.Expectation, &c.CreatedAt)
		if err != nil {
			return nil, fmt.Errorf("cases: %w", err)
		}
		cases = append(cases, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("cases: %w", err)
	}
	return cases, nil
}

// loadBatch reads the related rows of a batch of cases, the tables side
// by side.
func (db *DB) loadBatch(ctx context.Context, cases []models.Case, now time.Time) ([]*models.LedgerCase, error) {
	conn := db.reads.WithContext(ctx)
	b := ledgerBatchIDs{lo: cases[0].ID, hi: cases[len(cases)-1].ID, by: make(map[uint64]*models.LedgerCase, len(cases))}
	out := make([]*models.LedgerCase, len(cases))
	for i := range cases {
		out[i] = &models.LedgerCase{Case: cases[i], Work: models.CaseWork{CaseID: cases[i].ID}, Stages: map[string]string{}}
		b.by[cases[i].ID] = out[i]
	}
	errs := make([]error, len(ledgerLoaders))
	var wg sync.WaitGroup
	for i, load := range ledgerLoaders {
		wg.Go(func() { errs[i] = load(conn, b, now) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// rankExpr ranks one deadline of alias d (one parameter: now): 4 still
// running (or parked: its stage is not done) past due, 3 done (or
// abandoned) after due, 2 running, 1 done in time, 0 dropped before due
// (its case moved on: it says nothing). A stage's verdict is its
// deadlines' highest rank.
const rankExpr = `CASE WHEN d.status IN ('running', 'parked') AND d.due_at < ? THEN 4
 WHEN d.status IN ('done', 'dropped') AND d.done_at > d.due_at THEN 3
 WHEN d.status IN ('running', 'parked') THEN 2 WHEN d.status = 'done' THEN 1 ELSE 0 END`

// rankVerdicts turns a rank into a models.Timing* verdict.
var rankVerdicts = [...]string{1: models.TimingOnTime, 2: models.TimingRunning, 3: models.TimingLate, 4: models.TimingOverdue}
