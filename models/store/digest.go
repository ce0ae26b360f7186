package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"tapline/models"
)

// digestGrace keeps a digest row closed to claims for a moment after its
// window ends, so a firing on a replica whose clock is slightly behind still
// finds it open.
const digestGrace = 5 * time.Second

// appendDigests adds each digest line of f to the open digest row of its
// group for the current window, creating the row when it is the window's
// first line. A row is open while its NextAt is still the window's end: a
// claim moves NextAt, so a line never joins a message already being sent
// (it starts a row of its own instead).
func appendDigests(tx *gorm.DB, caseID uint64, f *models.Firing, now time.Time) ([]models.Outbox, error) {
	window := f.Window
	if window <= 0 {
		window = time.Minute
	}
	end := now.Truncate(window).Add(window + digestGrace)
	var created []models.Outbox
	for _, l := range f.Digest {
		key := fmt.Sprintf("%s|%s|%d", l.Channel, l.Target, end.UnixMilli())
		row, isNew, err := appendDigest(tx, key, end, l, f.Render, now)
		if err != nil {
			return nil, err
		}
		if isNew {
			row.CaseID = caseID
			created = append(created, *row)
		}
	}
	return created, nil
}

// appendDigest appends l to the digest row named key (due at end), or
// creates it; a row already claimed gets a successor key.
func appendDigest(tx *gorm.DB, key string, end time.Time, l models.DigestLine,
	render func([]string) (string, string, error), now time.Time) (*models.Outbox, bool, error) {
	for n := 0; n < 5; n++ {
		k := key
		if n > 0 {
			k = fmt.Sprintf("%s#%d", key, n)
		}
		var row models.Outbox
		err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("digest_key = ?", k).Take(&row).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			out, err := newDigest(tx, k, end, l, render, now)
			return out, true, err
		}
		if err != nil {
			return nil, false, fmt.Errorf("find digest: %w", err)
		}
		if row.Status != models.OutboxPending || row.Attempts > 0 || !row.NextAt.Equal(norm(end)) {
			continue // claimed or sent: the line goes to a successor row
		}
		return &row, false, addLine(tx, &row, l.Line, render, now)
	}
	return nil, false, fmt.Errorf("digest %s: too many successors", key)
}

// newDigest inserts the window's first row for l's group.
func newDigest(tx *gorm.DB, key string, end time.Time, l models.DigestLine,
	render func([]string) (string, string, error), now time.Time) (*models.Outbox, error) {
	lines := []string{l.Line}
	kind, payload, err := render(lines)
	if err != nil {
		return nil, fmt.Errorf("render digest: %w", err)
	}
	js, _ := json.Marshal(lines)
	k := key
	row := models.Outbox{Channel: l.Channel, Target: l.Target, Audience: l.Audience, Kind: kind,
		Payload: payload, NextAt: end, DigestKey: &k, DigestLines: string(js)}
	fillOutbox(&row, now)
	if err := tx.Create(&row).Error; err != nil {
		if isDuplicate(err) { // another firing opened this window's row first
			return nil, errRetry
		}
		return nil, fmt.Errorf("insert digest: %w", err)
	}
	return &row, nil
}

// addLine appends line to a locked, still open digest row.
func addLine(tx *gorm.DB, row *models.Outbox, line string,
	render func([]string) (string, string, error), now time.Time) error {
	var lines []string
	if err := json.Unmarshal([]byte(row.DigestLines), &lines); err != nil {
		return fmt.Errorf("digest lines: %w", err)
	}
	lines = append(lines, line)
	kind, payload, err := render(lines)
	if err != nil {
		return fmt.Errorf("render digest: %w", err)
	}
	js, _ := json.Marshal(lines)
	err = tx.Model(&models.Outbox{}).Where("id = ?", row.ID).Updates(map[string]any{
		"kind": kind, "payload": payload, "digest_lines": string(js), "updated_at": now}).Error
	if err != nil {
		return fmt.Errorf("append digest: %w", err)
	}
	return nil
}
