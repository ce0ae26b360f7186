package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"tapline/models"
)

// errStale signals, inside Apply's transaction, that the case's Version
// moved on; it becomes ECONFLICT (the caller decides again, the store does
// not retry).
var errStale = errors.New("store: stale case version")

var _ models.CaseworkService = (*DB)(nil)

// Apply implements models.CaseworkService: one conditional UPDATE of the
// case guarded by its Version, then the event, work row, measure, approval
// and outbox rows, and the deliveries of the events it raises, all in one
// transaction. With an expected version in ctx
// (models.WithExpectedVersion) a transition decided on another version
// returns EPRECONDITION.
func (db *DB) Apply(ctx context.Context, t *models.Transition) (*models.Case, error) {
	const op = "store: apply transition"
	if t == nil || t.CaseID == 0 || t.ToStatus == "" {
		return nil, models.Errorf(models.EINVALID, "A transition needs a case and a status.")
	}
	want, expects := models.ExpectedVersion(ctx, t.CaseID)
	if expects && want != t.Version {
		return nil, errPrecondition(want)
	}
	var out models.Case
	var written models.Transition
	err := db.inTx(ctx, func(tx *gorm.DB) error {
		w := db.prepareTransition(t) // each attempt starts from the caller's rows
		subs, prior, err := priorState(tx, t.CaseID)
		if err != nil {
			return err
		}
		if err := updateCaseVersion(tx, &w); err != nil {
			return err
		}
		if err := insertTransition(tx, &w); err != nil {
			return err
		}
		if err := tx.Where("id = ?", t.CaseID).Take(&out).Error; err != nil {
			return err
		}
		written = w
		return db.transitionEvents(tx, subs, prior, &out, &written)
	})
	if errors.Is(err, errStale) && expects {
		return nil, errPrecondition(want)
	}
	if errors.Is(err, errStale) {
		return nil, db.staleOrMissing(ctx, t.CaseID)
	}
	if err != nil {
		return nil, db.wrap(op, err)
	}
	*t = written
	return &out, nil
}

// prepareTransition copies t with fresh rows stamped now.
func (db *DB) prepareTransition(t *models.Transition) models.Transition {
	now := db.now()
	w := *t
	w.Event.ID, w.Event.CreatedAt = 0, now
	w.Outbox = prepareOutbox(t.Outbox, now)
	if t.Work != nil {
		work := *t.Work
		work.CaseID, work.UpdatedAt = t.CaseID, now
		if work.QuestionAt != nil {
			q := norm(*work.QuestionAt)
			work.QuestionAt = &q
		}
		if work.SuspendedAt != nil {
			at := norm(*work.SuspendedAt)
			work.SuspendedAt = &at
		}
		w.Work = &work
	}
	if t.Measure != nil {
		m := *t.Measure
		m.ID, m.CaseID, m.CreatedAt = 0, t.CaseID, now
		w.Measure = &m
	}
	if t.Approval != nil {
		a := *t.Approval
		a.ID, a.CaseID, a.CreatedAt = 0, t.CaseID, now
		w.Approval = &a
	}
	w.Deadlines = prepareDeadlines(t.Deadlines, now)
	return w
}

// updateCaseVersion moves the case to its new status (and department) if
// its Version is still the one the transition was decided on.
func updateCaseVersion(tx *gorm.DB, t *models.Transition) error {
	updates := map[string]any{
		"status": t.ToStatus, "version": gorm.Expr("version + 1"), "updated_at": t.Event.CreatedAt,
	}
	if t.Department != "" {
		updates["department"] = t.Department
	}
	res := tx.Model(&models.Case{}).Where("id = ? AND version = ?", t.CaseID, t.Version).Updates(updates)
	if res.Error != nil {
		return fmt.Errorf("update case: %w", res.Error)
	}
	if res.RowsAffected == 0 { // MySQL counts found rows (clientFoundRows)
		return errStale
	}
	return nil
}

// insertTransition writes the transition's child rows.
func insertTransition(tx *gorm.DB, t *models.Transition) error {
	if t.Work != nil {
		if err := tx.Clauses(clause.OnConflict{UpdateAll: true}).Create(t.Work).Error; err != nil {
			return fmt.Errorf("save case work: %w", err)
		}
	}
	if t.Measure != nil {
		if err := tx.Create(t.Measure).Error; err != nil {
			return fmt.Errorf("insert measure: %w", err)
		}
	}
	if t.Approval != nil {
		if t.Approval.MeasureID == 0 && t.Measure != nil {
			t.Approval.MeasureID = t.Measure.ID
		}
		if err := tx.Create(t.Approval).Error; err != nil {
			return fmt.Errorf("insert approval: %w", err)
		}
	}
	if err := applyClocks(tx, t); err != nil {
		return err
	}
	return insertChildren(tx, t.CaseID, &t.Event, t.Outbox)
}

// errPrecondition is the refusal of a transition whose case is no longer
// at the version the caller expected (If-Match).
func errPrecondition(want int) error {
	return models.Errorf(models.EPRECONDITION, "投诉已不是第 %d 版：有人刚刚办理过，请刷新后再操作。", want)
}

// staleOrMissing tells ENOTFOUND from ECONFLICT after the guarded update
// matched nothing.
func (db *DB) staleOrMissing(ctx context.Context, id uint64) error {
	var n int64
	if err := db.conn.WithContext(ctx).Model(&models.Case{}).Where("id = ?", id).Count(&n).Error; err != nil {
		return db.wrap("store: apply transition", err)
	}
	if n == 0 {
		return notFound("No case has the ID %d.", id)
	}
	return models.Errorf(models.ECONFLICT, "The case changed meanwhile; please look at it again.")
}

// CaseWork implements models.CaseworkService.
func (db *DB) CaseWork(ctx context.Context, caseID uint64) (*models.CaseWork, error) {
	var w models.CaseWork
	err := db.conn.WithContext(ctx).Where("case_id = ?", caseID).Take(&w).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return &models.CaseWork{CaseID: caseID}, nil
	}
	if err != nil {
		return nil, db.wrap("store: case work", err)
	}
	return &w, nil
}

// Measures implements models.CaseworkService.
func (db *DB) Measures(ctx context.Context, caseID uint64) ([]*models.Measure, error) {
	var ms []*models.Measure
	err := db.conn.WithContext(ctx).Where("case_id = ?", caseID).Order("version ASC").Find(&ms).Error
	if err != nil {
		return nil, db.wrap("store: measures", err)
	}
	return ms, nil
}

// Approvals implements models.CaseworkService.
func (db *DB) Approvals(ctx context.Context, caseID uint64) ([]*models.Approval, error) {
	var as []*models.Approval
	err := db.conn.WithContext(ctx).Where("case_id = ?", caseID).Order("id ASC").Find(&as).Error
	if err != nil {
		return nil, db.wrap("store: approvals", err)
	}
	return as, nil
}

// LastEventBy implements models.CaseworkService.
func (db *DB) LastEventBy(ctx context.Context, actor, typ string, since time.Time) (*models.CaseEvent, error) {
	var ev models.CaseEvent
	err := db.conn.WithContext(ctx).Where("actor = ? AND type = ? AND created_at >= ?", actor, typ, norm(since)).
		Order("id DESC").Take(&ev).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, notFound("No %s by %s since then.", typ, actor)
	}
	if err != nil {
		return nil, db.wrap("store: last event", err)
	}
	return &ev, nil
}

// FindCaseByID implements models.CaseworkService.
func (db *DB) FindCaseByID(ctx context.Context, id uint64) (*models.Case, error) {
	var c models.Case
	err := db.conn.WithContext(ctx).Where("id = ?", id).Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, notFound("No case has the ID %d.", id)
	}
	if err != nil {
		return nil, db.wrap("store: find case by id", err)
	}
	return &c, nil
}
