package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"tapline/models"
)

// Event types the store fills in when the caller leaves Type empty.
const (
	eventCreated      = "created"
	eventSupplemented = "supplemented"
)

// errDuplicateDraft signals, inside CreateCase's transaction, that another
// filing with the same DraftKey committed first.
var errDuplicateDraft = errors.New("store: duplicate draft key")

// CreateCase implements models.CaseService: number, case, first event and
// outbox rows (nc.Outbox, then BuildOutbox's) in one transaction,
// idempotent on Case.DraftKey. On success nc is updated with the stored
// rows (IDs, number, times; BuildOutbox's rows appended to nc.Outbox). A
// lock conflict reruns the transaction, and BuildOutbox with it. The date
// in the number is Case.CreatedAt's (now when zero) in Config.Location;
// a day's numbers are unique and increasing but may have gaps (takeNumber).
func (db *DB) CreateCase(ctx context.Context, nc *models.NewCase) (*models.Case, bool, error) {
	const op = "store: create case"
	if nc == nil || nc.Case.DraftKey == "" {
		return nil, false, models.Errorf(models.EINVALID, "A case needs a draft key.")
	}
	if c, err := db.caseByDraftKey(ctx, nc.Case.DraftKey); err == nil || !isNotFound(err) {
		return c, false, db.wrap(op, err)
	}
	out, err := db.fileCase(ctx, nc)
	if errors.Is(err, errDuplicateDraft) { // a concurrent filing with this key won
		c, err := db.caseByDraftKey(ctx, nc.Case.DraftKey)
		if isNotFound(err) { // the duplicate was the number, not the key
			err = models.Errorf(models.ECONFLICT, "The case number was taken; please try again.")
		}
		return c, false, db.wrap(op, err)
	}
	if err != nil {
		return nil, false, db.wrap(op, err)
	}
	*nc = out
	c := out.Case
	return &c, true, nil
}

// fileCase takes a number (takeNumber: a statement of its own, before the
// transaction) and runs the filing transaction with it. A duplicate key
// while the DraftKey is still unfiled means the number was taken (a reset
// counter, a row made by hand): it takes a fresh one, numberAttempts times
// at most. Case.CreatedAt is fixed first so that the number's day and the
// row's date agree on every attempt.
func (db *DB) fileCase(ctx context.Context, nc *models.NewCase) (models.NewCase, error) {
	base := *nc
	if base.Case.CreatedAt.IsZero() {
		base.Case.CreatedAt = db.now()
	}
	var out models.NewCase
	for attempt := 1; ; attempt++ {
		number, err := db.takeNumber(ctx, db.dayOf(base.Case.CreatedAt))
		if err != nil {
			return out, err
		}
		err = db.inTx(ctx, func(tx *gorm.DB) error {
			out = db.prepareNewCase(&base)
			out.Case.Number = number
			return db.insertNewCase(tx, &out)
		})
		if !errors.Is(err, errDuplicateDraft) || attempt == numberAttempts {
			return out, err
		}
		if _, ferr := db.caseByDraftKey(ctx, base.Case.DraftKey); !isNotFound(ferr) {
			return out, err // the key was filed meanwhile (or the lookup failed): CreateCase decides
		}
	}
}

// prepareNewCase copies nc (each attempt starts clean) and fills defaults.
func (db *DB) prepareNewCase(nc *models.NewCase) models.NewCase {
	now := db.now()
	out := models.NewCase{Case: nc.Case, Event: nc.Event}
	c := &out.Case
	c.ID, c.Version = 0, 1
	if c.CreatedAt.IsZero() {
		c.CreatedAt = now
	}
	c.CreatedAt, c.UpdatedAt = norm(c.CreatedAt), now
	if out.Event.Type == "" {
		out.Event.Type = eventCreated
	}
	if out.Event.ToStatus == "" {
		out.Event.ToStatus = c.Status
	}
	out.Event.ID = 0
	out.Event.CreatedAt = now
	out.Outbox = prepareOutbox(nc.Outbox, now)
	out.BuildOutbox = nc.BuildOutbox
	out.Deadlines = prepareDeadlines(nc.Deadlines, now)
	return out
}

// prepareOutbox copies rows as new rows: pending and due now unless set.
func prepareOutbox(rows []models.Outbox, now time.Time) []models.Outbox {
	out := make([]models.Outbox, len(rows))
	for i, r := range rows {
		fillOutbox(&r, now)
		out[i] = r
	}
	return out
}

// fillOutbox readies r for insertion: a new row, pending and due now
// unless set, times in UTC milliseconds, LastError fitted to its column.
func fillOutbox(r *models.Outbox, now time.Time) {
	r.ID = 0
	if r.Status == "" {
		r.Status = models.OutboxPending
	}
	if r.NextAt.IsZero() {
		r.NextAt = now
	}
	r.NextAt, r.CreatedAt, r.UpdatedAt = norm(r.NextAt), now, now
	if r.SentAt != nil {
		t := norm(*r.SentAt)
		r.SentAt = &t
	}
	r.LastError = models.CutRunes(r.LastError, maxErrorLen)
}

// insertNewCase writes a prepared and numbered filing, with BuildOutbox's
// rows and the deliveries of its events (case.created, case.major); a
// duplicate DraftKey or number ends it with errDuplicateDraft (the
// transaction rolls back; the number is not given back).
func (db *DB) insertNewCase(tx *gorm.DB, nc *models.NewCase) error {
	if err := tx.Create(&nc.Case).Error; err != nil {
		if isDuplicate(err) {
			return errDuplicateDraft
		}
		return fmt.Errorf("insert case: %w", err)
	}
	if nc.BuildOutbox != nil {
		c := nc.Case // the builder may not change the stored case
		rows, err := nc.BuildOutbox(&c)
		if err != nil {
			return fmt.Errorf("build outbox: %w", err)
		}
		nc.Outbox = append(nc.Outbox, prepareOutbox(rows, nc.Case.UpdatedAt)...)
	}
	if err := insertDeadlines(tx, nc.Case.ID, nc.Deadlines); err != nil {
		return err
	}
	events, err := db.filingEvents(tx, &nc.Case, &nc.Event)
	if err != nil {
		return err
	}
	nc.Outbox = append(nc.Outbox, events...)
	return insertChildren(tx, nc.Case.ID, &nc.Event, nc.Outbox)
}

// insertChildren writes a case's event and outbox rows.
func insertChildren(tx *gorm.DB, caseID uint64, ev *models.CaseEvent, outbox []models.Outbox) error {
	ev.CaseID = caseID
	if err := tx.Create(ev).Error; err != nil {
		return fmt.Errorf("insert event: %w", err)
	}
	for i := range outbox {
		outbox[i].CaseID = caseID
	}
	if len(outbox) > 0 {
		if err := tx.Create(&outbox).Error; err != nil {
			return fmt.Errorf("insert outbox: %w", err)
		}
	}
	return nil
}

// caseByDraftKey returns the case filed with key, ENOTFOUND if none.
func (db *DB) caseByDraftKey(ctx context.Context, key string) (*models.Case, error) {
	var c models.Case
	err := db.conn.WithContext(ctx).Where("draft_key = ?", key).Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, notFound("No case was filed with this draft key.")
	}
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// isNotFound reports an ENOTFOUND application error.
func isNotFound(err error) bool { return models.ErrorCode(err) == models.ENOTFOUND }
