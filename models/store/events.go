package store

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"tapline/models"
)

// Event webhooks: every change that raises an event type writes one
// outbox row per subscription that wants it, in the change's own
// transaction (so an event exists exactly when its change committed), and
// the outbox delivers it like a card. The subscriptions are read in the
// transaction: one small query per change.

// subscriber is an active subscription and the event types it wants.
type subscriber struct {
	id     uint64
	events []string
}

// subscribers reads the active subscriptions in tx.
func subscribers(tx *gorm.DB) ([]subscriber, error) {
	var rows []models.Subscription
	if err := tx.Select("id, events").Where("active = ?", true).Order("id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read subscriptions: %w", err)
	}
	out := make([]subscriber, len(rows))
	for i, r := range rows {
		out[i] = subscriber{id: r.ID, events: strings.Split(r.Events, ",")}
	}
	return out, nil
}

// wanted reports whether any subscriber wants one of types.
func wanted(subs []subscriber, types ...string) bool {
	for _, s := range subs {
		for _, t := range types {
			if slices.Contains(s.events, t) {
				return true
			}
		}
	}
	return false
}

// change is one committed-to-be change of a case and the events it raises.
type change struct {
	c     *models.Case      // the case after the change
	ev    *models.CaseEvent // the timeline entry behind it
	from  string            // the status before ("" for a filing)
	types []string
	due   *models.EventDue
	call  *models.EventCall
}

// eventRows builds the delivery rows of ch for subs: one event (one ID)
// per type, one row per subscription wanting it.
func (db *DB) eventRows(subs []subscriber, ch change) ([]models.Outbox, error) {
	var rows []models.Outbox
	for _, typ := range ch.types {
		var payload string
		for _, s := range subs {
			if !slices.Contains(s.events, typ) {
				continue
			}
			if payload == "" {
				p, err := db.eventPayload(typ, ch)
				if err != nil {
					return nil, err
				}
				payload = p
			}
			rows = append(rows, models.Outbox{CaseID: ch.c.ID, Channel: models.ChannelWebhook,
				Target: strconv.FormatUint(s.id, 10), Audience: typ, Kind: models.KindEvent, Payload: payload})
		}
	}
	return prepareOutbox(rows, db.now()), nil
}

// eventPayload is the JSON of one event of ch, with a fresh event ID.
func (db *DB) eventPayload(typ string, ch change) (string, error) {
	c := ch.c
	e := models.Event{ID: newEventID(), Type: typ, OccurredAt: ch.ev.CreatedAt.In(db.loc),
		Case: models.EventCase{Number: c.Number, Status: c.Status, Source: c.Source, Category: c.Category,
			Department: c.Department, Major: c.Major, MajorReason: c.MajorReason, Urgent: c.Urgent,
			ExternalRef: c.ExternalRef, Version: c.Version},
		Change: &models.EventChange{Action: ch.ev.Type, FromStatus: ch.from, ToStatus: c.Status,
			Actor: eventActor(ch.ev), Role: ch.ev.Role, Channel: ch.ev.Channel},
		CallBack: ch.call}
	if ch.due != nil {
		d := *ch.due
		d.DueAt = d.DueAt.In(db.loc)
		e.Overdue = &d
	}
	b, err := json.Marshal(e)
	if err != nil {
		return "", fmt.Errorf("encode event: %w", err)
	}
	return string(b), nil
}

// eventActor names who acted: staff by roster ID, "system"; a resident's
// openid is personal data and stays out.
func eventActor(ev *models.CaseEvent) string {
	if ev.Role == "resident" || ev.Role == "" {
		return ""
	}
	return ev.Actor
}

// newEventID returns a random event ID, "evt_" and 32 hex digits.
func newEventID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "evt_" + hex.EncodeToString(b)
}

// filingEvents returns the delivery rows of a filing: case.created, and
// case.major when the case is major from the start.
func (db *DB) filingEvents(tx *gorm.DB, c *models.Case, ev *models.CaseEvent) ([]models.Outbox, error) {
	subs, err := subscribers(tx)
	if err != nil || len(subs) == 0 {
		return nil, err
	}
	types := []string{models.EventCaseCreated}
	if c.Major {
		types = append(types, models.EventCaseMajor)
	}
	e := *ev
	e.CreatedAt = c.CreatedAt
	if !ev.CreatedAt.IsZero() {
		e.CreatedAt = ev.CreatedAt
	}
	return db.eventRows(subs, change{c: c, ev: &e, types: types})
}

// before is what a transition needs to know of the case before it.
type before struct {
	Status string
	Major  bool
}

// priorState reads the case's status and major flag at version, inside
// the transition's transaction, when some subscription wants its events
// (nil subs: nobody does). A version that moved on makes the guarded
// update fail right after, so what is read here is what the update
// changes.
func priorState(tx *gorm.DB, caseID uint64) ([]subscriber, *before, error) {
	subs, err := subscribers(tx)
	if err != nil || len(subs) == 0 {
		return nil, nil, err
	}
	var b before
	err = tx.Model(&models.Case{}).Select("status, major").Where("id = ?", caseID).Take(&b).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil, errStale // staleOrMissing tells the caller
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read case before: %w", err)
	}
	return subs, &b, nil
}

// transitionTypes returns the event types a transition from b raises.
func transitionTypes(b *before, t *models.Transition) []string {
	var types []string
	if t.ToStatus != b.Status {
		types = append(types, models.EventCaseStatusChanged)
	}
	if t.ToStatus == models.StatusArchived && b.Status != models.StatusArchived {
		types = append(types, models.EventCaseArchived)
	}
	if t.Major != nil && !b.Major {
		types = append(types, models.EventCaseMajor)
	}
	if t.CallBack != nil {
		types = append(types, models.EventCallbackRecorded)
	}
	return types
}

// transitionEvents writes the delivery rows of an applied transition (c:
// the case after it) and appends them to t.Outbox.
func (db *DB) transitionEvents(tx *gorm.DB, subs []subscriber, b *before, c *models.Case, t *models.Transition) error {
	if b == nil {
		return nil
	}
	ch := change{c: c, ev: &t.Event, from: b.Status, types: transitionTypes(b, t)}
	if cb := t.CallBack; cb != nil {
		ch.call = &models.EventCall{Attempt: cb.Attempt, Outcome: cb.Outcome, By: cb.By}
	}
	rows, err := db.eventRows(subs, ch)
	if err != nil || len(rows) == 0 {
		return err
	}
	if err := tx.Create(&rows).Error; err != nil {
		return fmt.Errorf("insert event deliveries: %w", err)
	}
	t.Outbox = append(t.Outbox, rows...)
	return nil
}

// overdueEvents returns the delivery rows of a warning (a stage deadline
// passed, policy 6.1) on case caseID.
func (db *DB) overdueEvents(tx *gorm.DB, caseID uint64, ev *models.CaseEvent, w *models.Warning) ([]models.Outbox, error) {
	subs, err := subscribers(tx)
	if err != nil || !wanted(subs, models.EventCaseOverdue) {
		return nil, err
	}
	var c models.Case
	if err := tx.Where("id = ?", caseID).Take(&c).Error; err != nil {
		return nil, fmt.Errorf("read overdue case: %w", err)
	}
	e := models.CaseEvent{Type: "deadline_warn", Role: "system", Actor: "system", Channel: "timer", CreatedAt: w.CreatedAt}
	if ev != nil {
		e = *ev
	}
	return db.eventRows(subs, change{c: &c, ev: &e, from: c.Status, types: []string{models.EventCaseOverdue},
		due: &models.EventDue{Stage: w.Stage, Department: w.Department, DueAt: w.DueAt}})
}

// majorEvents returns the delivery rows of case c becoming major by
// clustering (policy 4.1.3 群体性): c as it is after the link.
func (db *DB) majorEvents(tx *gorm.DB, subs []subscriber, c *models.Case, ev *models.CaseEvent) ([]models.Outbox, error) {
	if !wanted(subs, models.EventCaseMajor) {
		return nil, nil
	}
	return db.eventRows(subs, change{c: c, ev: ev, from: c.Status, types: []string{models.EventCaseMajor}})
}
