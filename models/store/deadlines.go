package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"tapline/models"
)

var _ models.DeadlineService = (*DB)(nil)

// errFired signals, inside Fire's transaction, that the deadline is no
// longer at the step being fired; it becomes ECONFLICT.
var errFired = errors.New("store: deadline already fired or stopped")

// prepareDeadlines copies rows as new running deadlines stamped now.
func prepareDeadlines(rows []models.Deadline, now time.Time) []models.Deadline {
	out := make([]models.Deadline, len(rows))
	for i, d := range rows {
		d.ID, d.Status, d.Step, d.Level, d.DoneAt = 0, models.DeadlineRunning, 0, 0, nil
		if d.StartedAt.IsZero() {
			d.StartedAt = now
		}
		d.StartedAt, d.DueAt, d.NextAt = norm(d.StartedAt), norm(d.DueAt), norm(d.NextAt)
		d.CreatedAt, d.UpdatedAt = now, now
		out[i] = d
	}
	return out
}

// insertDeadlines writes a case's new deadlines.
func insertDeadlines(tx *gorm.DB, caseID uint64, rows []models.Deadline) error {
	if len(rows) == 0 {
		return nil
	}
	for i := range rows {
		rows[i].CaseID = caseID
	}
	if err := tx.Create(&rows).Error; err != nil {
		return fmt.Errorf("insert deadlines: %w", err)
	}
	return nil
}

// applyClocks writes a transition's clock changes: the stopped stages are
// done, a major flag is set, new deadlines start.
func applyClocks(tx *gorm.DB, t *models.Transition) error {
	now := t.Event.CreatedAt
	if len(t.StopStages) > 0 {
		q := tx.Model(&models.Deadline{}).Where("status IN ? AND stage IN ?",
			[]string{models.DeadlineRunning, models.DeadlinePaused}, t.StopStages)
		if t.StopIncident != 0 {
			q = q.Where("case_id = ? OR case_id IN (?)", t.CaseID,
				tx.Model(&models.Case{}).Select("id").Where("incident_id = ?", t.StopIncident))
		} else {
			q = q.Where("case_id = ?", t.CaseID)
		}
		err := q.Updates(map[string]any{"status": models.DeadlineDone, "done_at": now, "updated_at": now}).Error
		if err != nil {
			return fmt.Errorf("stop deadlines: %w", err)
		}
	}
	if err := pauseClocks(tx, t, now); err != nil {
		return err
	}
	if t.Major != nil {
		err := tx.Model(&models.Case{}).Where("id = ?", t.CaseID).Updates(map[string]any{
			"major": true, "major_reason": t.Major.Reason, "urgent": t.Major.Urgent}).Error
		if err != nil {
			return fmt.Errorf("flag major: %w", err)
		}
	}
	if t.CallBack != nil {
		cb := *t.CallBack
		cb.ID, cb.CaseID, cb.CreatedAt = 0, t.CaseID, now
		if err := tx.Create(&cb).Error; err != nil {
			return fmt.Errorf("insert call-back: %w", err)
		}
		t.CallBack = &cb
	}
	return insertDeadlines(tx, t.CaseID, t.Deadlines)
}

// FindDeadline implements models.DeadlineService.
func (db *DB) FindDeadline(ctx context.Context, id uint64) (*models.Deadline, error) {
	var d models.Deadline
	err := db.conn.WithContext(ctx).Where("id = ?", id).Take(&d).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, notFound("Deadline %d does not exist.", id)
	}
	if err != nil {
		return nil, db.wrap("store: find deadline", err)
	}
	return &d, nil
}

// CaseDeadlines implements models.DeadlineService.
func (db *DB) CaseDeadlines(ctx context.Context, caseID uint64) ([]*models.Deadline, error) {
	var out []*models.Deadline
	err := db.conn.WithContext(ctx).Where("case_id = ?", caseID).Order("id").Find(&out).Error
	return out, db.wrap("store: case deadlines", err)
}

// RunningDeadlines implements models.DeadlineService.
func (db *DB) RunningDeadlines(ctx context.Context, caseIDs []uint64) ([]*models.Deadline, error) {
	var out []*models.Deadline
	if len(caseIDs) == 0 {
		return out, nil
	}
	err := db.conn.WithContext(ctx).Where("case_id IN ? AND status = ?", caseIDs, models.DeadlineRunning).
		Order("id").Find(&out).Error
	return out, db.wrap("store: running deadlines", err)
}

// DueDeadlines implements models.DeadlineService.
func (db *DB) DueDeadlines(ctx context.Context, until time.Time, limit int) ([]*models.Deadline, error) {
	var out []*models.Deadline
	err := db.conn.WithContext(ctx).Where("status = ? AND next_at < ?", models.DeadlineRunning, norm(until)).
		Order("next_at").Limit(max(limit, 1)).Find(&out).Error
	return out, db.wrap("store: due deadlines", err)
}

// DropDeadline implements models.DeadlineService.
func (db *DB) DropDeadline(ctx context.Context, id uint64, now time.Time) error {
	err := db.conn.WithContext(ctx).Model(&models.Deadline{}).
		Where("id = ? AND status = ?", id, models.DeadlineRunning).
		Updates(map[string]any{"status": models.DeadlineDropped, "done_at": norm(now), "updated_at": norm(now)}).Error
	return db.wrap("store: drop deadline", err)
}

// Warnings implements models.DeadlineService.
func (db *DB) Warnings(ctx context.Context, since time.Time) ([]*models.Warning, error) {
	var out []*models.Warning
	err := db.conn.WithContext(ctx).Where("created_at >= ?", norm(since)).Order("id").Find(&out).Error
	return out, db.wrap("store: warnings", err)
}

// Fire implements models.DeadlineService: one conditional UPDATE of the
// deadline guarded by its Step and NextAt fences the firing, so of several
// workers holding a task for the same step exactly one writes its rows.
func (db *DB) Fire(ctx context.Context, f *models.Firing) error {
	const op = "store: fire deadline"
	if f == nil || f.DeadlineID == 0 || (len(f.Digest) > 0 && f.Render == nil) {
		return models.Errorf(models.EINVALID, "A firing needs a deadline (and a renderer for digests).")
	}
	now := norm(f.Now)
	var written []models.Outbox
	err := db.inTx(ctx, func(tx *gorm.DB) error {
		d, err := advanceDeadline(tx, f, now)
		if err != nil {
			return err
		}
		rows, err := db.writeFiring(tx, d, f, now, prepareOutbox(f.Outbox, now))
		if err != nil {
			return err
		}
		digests, err := appendDigests(tx, d.CaseID, f, now)
		written = append(rows, digests...)
		return err
	})
	if errors.Is(err, errFired) {
		return models.Errorf(models.ECONFLICT, "This reminder was already sent or its stage is over.")
	}
	if err != nil {
		return db.wrapQuiet(op, err) // remind logs it (once per failure, the parking once)
	}
	f.Outbox = written
	return nil
}

// advanceDeadline moves the deadline past f.Step (past f.Through when it
// folds later steps in), or returns errFired.
func advanceDeadline(tx *gorm.DB, f *models.Firing, now time.Time) (*models.Deadline, error) {
	updates := map[string]any{"step": max(f.Step, f.Through) + 1, "level": f.Level, "updated_at": now,
		"failures": 0, "last_error": ""}
	if f.Next.IsZero() {
		updates["status"], updates["done_at"] = models.DeadlineDropped, now
	} else {
		updates["next_at"] = norm(f.Next)
	}
	res := tx.Model(&models.Deadline{}).
		Where("id = ? AND status = ? AND step = ? AND next_at <= ?", f.DeadlineID, models.DeadlineRunning, f.Step, now).
		Updates(updates)
	if res.Error != nil {
		return nil, fmt.Errorf("advance deadline: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return nil, errFired
	}
	var d models.Deadline
	if err := tx.Where("id = ?", f.DeadlineID).Take(&d).Error; err != nil {
		return nil, fmt.Errorf("reload deadline: %w", err)
	}
	return &d, nil
}

// writeWarning records the warning of a late stage, one per deadline
// (policy 6.1), with the deliveries of case.overdue. A warning recorded
// already (seeded or imported data, a restore) stands: the firing moves on
// with its messages. The deadline row is locked by the firing's advance,
// so no other firing of it is in between.
func (db *DB) writeWarning(tx *gorm.DB, d *models.Deadline, warning *models.Warning, ev *models.CaseEvent, now time.Time) ([]models.Outbox, error) {
	var n int64
	if err := tx.Model(&models.Warning{}).Where("deadline_id = ?", d.ID).Count(&n).Error; err != nil {
		return nil, fmt.Errorf("find warning: %w", err)
	}
	if n > 0 {
		return nil, nil
	}
	w := *warning
	w.ID, w.CaseID, w.DeadlineID, w.CreatedAt, w.DueAt = 0, d.CaseID, d.ID, now, norm(w.DueAt)
	if err := tx.Create(&w).Error; err != nil {
		return nil, fmt.Errorf("insert warning: %w", err)
	}
	return db.overdueEvents(tx, d.CaseID, ev, &w)
}

// writeFiring writes a firing's event, warning and outbox rows, with the
// deliveries of case.overdue when a warning is recorded, and returns the
// rows written.
func (db *DB) writeFiring(tx *gorm.DB, d *models.Deadline, f *models.Firing, now time.Time, rows []models.Outbox) ([]models.Outbox, error) {
	var ev *models.CaseEvent
	if f.Event != nil {
		e := *f.Event
		e.ID, e.CaseID, e.CreatedAt = 0, d.CaseID, now
		if err := tx.Create(&e).Error; err != nil {
			return nil, fmt.Errorf("insert event: %w", err)
		}
		ev = &e
	}
	if f.Warning != nil {
		events, err := db.writeWarning(tx, d, f.Warning, ev, now)
		if err != nil {
			return nil, err
		}
		rows = append(rows, events...)
	}
	for i := range rows {
		rows[i].CaseID = d.CaseID
	}
	if len(rows) > 0 {
		if err := tx.Create(&rows).Error; err != nil {
			return nil, fmt.Errorf("insert outbox: %w", err)
		}
	}
	return rows, nil
}

// pauseClocks pauses and resumes a transition's deadlines: a pause keeps
// the allowance left, a resume starts the row again at its new times; a
// row that is no longer running (or paused) is left as it is.
func pauseClocks(tx *gorm.DB, t *models.Transition, now time.Time) error {
	for _, p := range t.PauseClocks {
		err := tx.Model(&models.Deadline{}).Where("id = ? AND case_id = ? AND status = ?", p.ID, t.CaseID, models.DeadlineRunning).
			Updates(map[string]any{"status": models.DeadlinePaused, "remaining_ms": p.Remaining.Milliseconds(),
				"updated_at": now}).Error
		if err != nil {
			return fmt.Errorf("pause deadline: %w", err)
		}
	}
	for _, r := range t.ResumeClocks {
		err := tx.Model(&models.Deadline{}).Where("id = ? AND case_id = ? AND status = ?", r.ID, t.CaseID, models.DeadlinePaused).
			Updates(map[string]any{"status": models.DeadlineRunning, "remaining_ms": 0, "started_at": norm(r.StartedAt),
				"due_at": norm(r.DueAt), "next_at": norm(r.NextAt), "updated_at": now}).Error
		if err != nil {
			return fmt.Errorf("resume deadline: %w", err)
		}
	}
	return nil
}
