package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm/clause"
)

// numberPrefix starts every case number: TS20261127-0042.
const numberPrefix = "TS"

// numberAttempts bounds how often one filing takes a fresh number after its
// number was found taken (the unique index on cases.number is the guard).
const numberAttempts = 3

// errNoCounter reports that the day's counter row does not exist yet.
var errNoCounter = errors.New("store: no case counter for the day")

// formatNumber renders a case number: prefix, date, at least four digits.
func formatNumber(day string, seq int64) string {
	return fmt.Sprintf("%s%s-%04d", numberPrefix, day, seq)
}

// dayOf is the counter key of t: its date in the configured zone.
func (db *DB) dayOf(t time.Time) string { return t.In(db.loc).Format("20060102") }

// takeNumber allocates the next case number of day in a short statement of
// its own, committed before the filing transaction starts: the counter row
// is locked only for that statement, so filings no longer queue behind each
// other's whole transaction (issue 7). Numbers stay unique across replicas
// (one counter row per day, bumped atomically) and readable, and are taken
// in order; but a filing that fails after taking its number does not give
// it back, so the sequence of a day may have gaps. The caller checks the
// DraftKey first, so a retried confirm of a filed case burns no number.
func (db *DB) takeNumber(ctx context.Context, day string) (string, error) {
	seq, err := db.bumpCounter(ctx, day)
	if errors.Is(err, errNoCounter) { // the day's first filing: create the row, bump again
		if err = db.ensureCounter(ctx, day); err == nil {
			seq, err = db.bumpCounter(ctx, day)
		}
	}
	if err != nil {
		return "", fmt.Errorf("take case number: %w", err)
	}
	return formatNumber(day, seq), nil
}

// bumpCounter increments the day's counter and returns its new value, in
// one statement and one round trip: on MySQL LAST_INSERT_ID(expr) hands the
// value back in the OK packet, on SQLite RETURNING does. It returns
// errNoCounter when the row is missing.
func (db *DB) bumpCounter(ctx context.Context, day string) (int64, error) {
	if db.dialect != DialectMySQL {
		var seqs []int64
		err := db.conn.WithContext(ctx).
			Raw("UPDATE case_counters SET seq = seq + 1 WHERE day = ? RETURNING seq", day).Scan(&seqs).Error
		if err != nil {
			return 0, err
		}
		if len(seqs) == 0 {
			return 0, errNoCounter
		}
		return seqs[0], nil
	}
	res, err := db.conn.Statement.ConnPool.ExecContext(ctx,
		"UPDATE case_counters SET seq = LAST_INSERT_ID(seq + 1) WHERE day = ?", day)
	if err != nil {
		return 0, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return 0, errors.Join(errNoCounter, err)
	}
	return res.LastInsertId()
}

// ensureCounter creates the day's counter row at 0 unless it exists; of
// concurrent creators one inserts and the others change nothing.
func (db *DB) ensureCounter(ctx context.Context, day string) error {
	err := db.conn.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).
		Create(&caseCounter{Day: day, Seq: 0}).Error
	if err != nil {
		return fmt.Errorf("create counter %s: %w", day, err)
	}
	return nil
}
