package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// numberPrefix starts every case number: TS20261127-0042.
const numberPrefix = "TS"

// formatNumber renders a case number: prefix, date, at least four digits.
func formatNumber(day string, seq int64) string {
	return fmt.Sprintf("%s%s-%04d", numberPrefix, day, seq)
}

// dayOf is the counter key of t: its date in the configured zone.
func (db *DB) dayOf(t time.Time) string { return t.In(db.loc).Format("20060102") }

// errNoCounter reports, from inside a filing transaction, that the day's
// counter row does not exist yet.
type errNoCounter struct{ day string }

func (e errNoCounter) Error() string { return "store: no case counter for " + e.day }

// nextNumber takes the next case number of day inside tx. The counter row
// lock serialises concurrent filings across processes on MySQL (SQLite
// serialises with its immediate transaction); a rolled-back filing gives
// its number back, so numbers stay contiguous. A missing row ends the
// transaction with errNoCounter: the caller creates it (ensureCounter)
// outside, so that the first filings of a day do not deadlock on inserting
// the same key.
func nextNumber(tx *gorm.DB, dialect, day string) (string, error) {
	if dialect == DialectMySQL {
		return nextNumberMySQL(tx, day)
	}
	res := tx.Model(&caseCounter{}).Where("day = ?", day).Update("seq", gorm.Expr("seq + 1"))
	if res.Error != nil {
		return "", fmt.Errorf("bump counter: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return "", errNoCounter{day: day}
	}
	var c caseCounter
	if err := tx.Where("day = ?", day).Take(&c).Error; err != nil {
		return "", fmt.Errorf("read counter: %w", err)
	}
	return formatNumber(day, c.Seq), nil
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

// nextNumberMySQL bumps and reads the counter in one statement:
// LAST_INSERT_ID(expr) hands the new value back in the same reply, one
// round trip less while the row lock is held (every filing waits for it).
func nextNumberMySQL(tx *gorm.DB, day string) (string, error) {
	res, err := tx.Statement.ConnPool.ExecContext(tx.Statement.Context,
		"UPDATE case_counters SET seq = LAST_INSERT_ID(seq + 1) WHERE day = ?", day)
	if err != nil {
		return "", fmt.Errorf("bump counter: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return "", fmt.Errorf("bump counter: %w", err)
	}
	if n == 0 {
		return "", errNoCounter{day: day}
	}
	seq, err := res.LastInsertId()
	if err != nil {
		return "", fmt.Errorf("read counter: %w", err)
	}
	return formatNumber(day, seq), nil
}
