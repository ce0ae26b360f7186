package store

import (
	"fmt"
	"time"

	"gorm.io/gorm"
)

// numberPrefix starts every case number: TS20261127-0042.
const numberPrefix = "TS"

// formatNumber renders a case number: prefix, date, at least four digits.
func formatNumber(day string, seq int64) string {
	return fmt.Sprintf("%s%s-%04d", numberPrefix, day, seq)
}

// dayOf is the counter key of t: its date in the configured zone.
func (db *DB) dayOf(t time.Time) string { return t.In(db.loc).Format("20060102") }

// nextNumber takes the next case number of day inside tx. The counter row
// lock serialises concurrent filings across processes on MySQL (SQLite
// serialises with its immediate transaction); a rolled-back filing gives
// its number back, so numbers stay contiguous.
func nextNumber(tx *gorm.DB, day string) (string, error) {
	bump := func() (int64, error) {
		res := tx.Model(&caseCounter{}).Where("day = ?", day).
			Update("seq", gorm.Expr("seq + 1"))
		return res.RowsAffected, res.Error
	}
	n, err := bump()
	if err != nil {
		return "", fmt.Errorf("bump counter: %w", err)
	}
	if n == 0 {
		err = tx.Create(&caseCounter{Day: day, Seq: 1}).Error
		if isDuplicate(err) { // another filing created the row first
			n, err = bump()
			if err == nil && n == 0 {
				err = fmt.Errorf("counter row %s vanished", day)
			}
		}
		if err != nil {
			return "", fmt.Errorf("create counter: %w", err)
		}
	}
	var c caseCounter
	if err := tx.Where("day = ?", day).Take(&c).Error; err != nil {
		return "", fmt.Errorf("read counter: %w", err)
	}
	return formatNumber(day, c.Seq), nil
}
