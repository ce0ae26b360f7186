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

// LinkIncident implements models.DeadlineService. The open incident of a
// category and area is one row (a unique OpenKey), locked while a case is
// linked, so replicas filing the third and fourth household at once make
// one incident: the loser of the insert race retries and joins it.
func (db *DB) LinkIncident(ctx context.Context, cl *models.Cluster) (*models.Incident, bool, []models.Outbox, []models.Deadline, error) {
	const op = "store: link incident"
	if cl == nil || cl.CaseID == 0 || cl.AreaKey == "" || cl.Threshold < 2 {
		return nil, false, nil, nil, models.Errorf(models.EINVALID, "A cluster needs a case, an area and a threshold of 2 or more.")
	}
	if ok, err := db.mayCluster(ctx, cl); err != nil || !ok {
		return nil, false, nil, nil, db.wrap(op, err)
	}
	var inc *models.Incident
	var created bool
	var rows []models.Outbox
	var dls []models.Deadline
	err := db.inTx(ctx, func(tx *gorm.DB) error {
		var err error
		inc, created, rows, dls, err = db.linkTx(tx, cl)
		return err
	})
	if err != nil {
		return nil, false, nil, nil, db.wrap(op, err)
	}
	return inc, created, rows, dls, nil
}

// linkTx is one attempt of LinkIncident.
func (db *DB) linkTx(tx *gorm.DB, cl *models.Cluster) (*models.Incident, bool, []models.Outbox, []models.Deadline, error) {
	now := norm(cl.Now)
	key := cl.Category + "|" + cl.AreaKey
	var inc models.Incident
	err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("open_key = ?", key).Take(&inc).Error
	switch {
	case err == nil && !inc.LastAt.Before(norm(cl.Since)):
		return db.joinIncident(tx, &inc, cl, now)
	case err == nil: // stale: close it, a new one may start
		if err := tx.Model(&inc).Update("open_key", nil).Error; err != nil {
			return nil, false, nil, nil, fmt.Errorf("close incident: %w", err)
		}
	case !errors.Is(err, gorm.ErrRecordNotFound):
		return nil, false, nil, nil, fmt.Errorf("find incident: %w", err)
	}
	return db.startIncident(tx, key, cl, now)
}

// clusterCases returns the cases of cl's category and area since cl.Since
// not linked to another incident, oldest first, and how many households
// (distinct phones, else residents) they come from.
func clusterCases(tx *gorm.DB, cl *models.Cluster, incidentID uint64) ([]*models.Case, int, error) {
	var cases []*models.Case
	err := tx.Where("category = ? AND area_key = ? AND created_at >= ? AND (incident_id = 0 OR incident_id = ?)",
		cl.Category, cl.AreaKey, norm(cl.Since), incidentID).Order("id").Find(&cases).Error
	if err != nil {
		return nil, 0, fmt.Errorf("cluster cases: %w", err)
	}
	seen := map[string]bool{}
	for _, c := range cases {
		h := c.Phone
		if h == "" {
			h = "r:" + c.ResidentID
		}
		if h == "" || h == "r:" {
			h = fmt.Sprintf("c:%d", c.ID)
		}
		seen[h] = true
	}
	return cases, len(seen), nil
}

// startIncident creates the incident when the threshold is reached.
func (db *DB) startIncident(tx *gorm.DB, key string, cl *models.Cluster, now time.Time) (*models.Incident, bool, []models.Outbox, []models.Deadline, error) {
	cases, households, err := clusterCases(tx, cl, 0)
	if err != nil || households < cl.Threshold {
		return nil, false, nil, nil, err
	}
	k := key
	inc := models.Incident{OpenKey: &k, Category: cl.Category, AreaKey: cl.AreaKey, LeadCaseID: cl.CaseID,
		Households: households, FirstAt: cases[0].CreatedAt, LastAt: now, CreatedAt: now}
	if err := tx.Create(&inc).Error; err != nil {
		if isDuplicate(err) {
			return nil, false, nil, nil, errRetry
		}
		return nil, false, nil, nil, fmt.Errorf("insert incident: %w", err)
	}
	events, err := db.markIncident(tx, &inc, cases, cl, now)
	if err != nil {
		return nil, false, nil, nil, err
	}
	if cl.Build == nil {
		return &inc, true, events, nil, nil
	}
	rows, dls, err := cl.Build(&inc, cases)
	if err != nil {
		return nil, false, nil, nil, fmt.Errorf("build incident: %w", err)
	}
	if rows, err = insertIncidentRows(tx, &inc, rows, now); err != nil {
		return nil, false, nil, nil, err
	}
	if len(rows) > 0 && rows[0].CardKey != "" {
		inc.CardKey = rows[0].CardKey
		if err := tx.Model(&inc).Update("card_key", inc.CardKey).Error; err != nil {
			return nil, false, nil, nil, fmt.Errorf("incident card: %w", err)
		}
	}
	dls = prepareDeadlines(dls, now)
	if err := insertDeadlines(tx, inc.LeadCaseID, dls); err != nil {
		return nil, false, nil, nil, err
	}
	return &inc, true, append(rows, events...), dls, oneAckClock(tx, inc.ID, now)
}

// insertIncidentRows writes an incident's outbox rows on its lead case.
func insertIncidentRows(tx *gorm.DB, inc *models.Incident, rows []models.Outbox, now time.Time) ([]models.Outbox, error) {
	rows = prepareOutbox(rows, now)
	for i := range rows {
		rows[i].CaseID = inc.LeadCaseID
	}
	if len(rows) > 0 {
		if err := tx.Create(&rows).Error; err != nil {
			return nil, fmt.Errorf("insert incident outbox: %w", err)
		}
	}
	return rows, nil
}

// oneAckClock keeps one running acknowledgement clock for an incident, the
// oldest of its cases' (its 30 minutes started first, policy 4.1.3), and
// drops the others: one acknowledgement covers the incident, so one clock
// reminds and escalates for it.
func oneAckClock(tx *gorm.DB, incidentID uint64, now time.Time) error {
	var ids []uint64
	err := tx.Model(&models.Deadline{}).
		Where("stage = ? AND status = ? AND case_id IN (?)", models.StageMajorAck, models.DeadlineRunning,
			tx.Model(&models.Case{}).Select("id").Where("incident_id = ?", incidentID)).
		Order("started_at").Order("id").Pluck("id", &ids).Error
	if err != nil {
		return fmt.Errorf("incident clocks: %w", err)
	}
	if len(ids) < 2 {
		return nil
	}
	err = tx.Model(&models.Deadline{}).Where("id IN ?", ids[1:]).
		Updates(map[string]any{"status": models.DeadlineDropped, "done_at": now, "updated_at": now}).Error
	if err != nil {
		return fmt.Errorf("drop incident clocks: %w", err)
	}
	return nil
}

// joinIncident links the new cases of the area to an open incident; when
// cases joined, cl.Join's rows update the incident's card.
func (db *DB) joinIncident(tx *gorm.DB, inc *models.Incident, cl *models.Cluster, now time.Time) (*models.Incident, bool, []models.Outbox, []models.Deadline, error) {
	cases, households, err := clusterCases(tx, cl, inc.ID)
	if err != nil {
		return nil, false, nil, nil, err
	}
	inc.LastAt, inc.Households = now, max(households, inc.Households)
	if err := tx.Model(inc).Updates(map[string]any{"last_at": now, "households": inc.Households}).Error; err != nil {
		return nil, false, nil, nil, fmt.Errorf("update incident: %w", err)
	}
	joined := false
	for _, c := range cases {
		joined = joined || c.IncidentID != inc.ID
	}
	rows, err := db.markIncident(tx, inc, cases, cl, now)
	if err != nil {
		return nil, false, nil, nil, err
	}
	if joined && cl.Join != nil {
		built, err := cl.Join(inc, cases)
		if err != nil {
			return nil, false, nil, nil, fmt.Errorf("join incident: %w", err)
		}
		if built, err = insertIncidentRows(tx, inc, built, now); err != nil {
			return nil, false, nil, nil, err
		}
		rows = append(built, rows...)
	}
	return inc, false, rows, nil, oneAckClock(tx, inc.ID, now)
}

// markIncident links cases to inc and flags the ones not yet major
// (policy 4.1.3 群体性投诉), with an event on each, and writes the
// deliveries of case.major for them; it returns those rows (armed by the
// caller, else by the reconciler).
func (db *DB) markIncident(tx *gorm.DB, inc *models.Incident, cases []*models.Case, cl *models.Cluster, now time.Time) ([]models.Outbox, error) {
	subs, err := subscribers(tx)
	if err != nil {
		return nil, err
	}
	var rows []models.Outbox
	for _, c := range cases {
		if c.IncidentID == inc.ID && c.Major {
			continue
		}
		updates := map[string]any{"incident_id": inc.ID, "version": gorm.Expr("version + 1"), "updated_at": now}
		if !c.Major {
			updates["major"], updates["major_reason"] = true, "group"
		}
		if err := tx.Model(&models.Case{}).Where("id = ?", c.ID).Updates(updates).Error; err != nil {
			return nil, fmt.Errorf("link case: %w", err)
		}
		ev := cl.Event
		ev.ID, ev.CaseID, ev.CreatedAt, ev.FromStatus, ev.ToStatus = 0, c.ID, now, c.Status, c.Status
		if err := tx.Create(&ev).Error; err != nil {
			return nil, fmt.Errorf("insert event: %w", err)
		}
		if c.Major {
			continue
		}
		after := *c
		after.IncidentID, after.Major, after.MajorReason, after.Version = inc.ID, true, "group", c.Version+1
		events, err := db.majorEvents(tx, subs, &after, &ev)
		if err != nil {
			return nil, err
		}
		rows = append(rows, events...)
	}
	if len(rows) > 0 {
		if err := tx.Create(&rows).Error; err != nil {
			return nil, fmt.Errorf("insert event deliveries: %w", err)
		}
	}
	return rows, nil
}

// AreaAlerts implements models.DeadlineService.
func (db *DB) AreaAlerts(ctx context.Context, category, area string, since time.Time, limit int) ([]*models.Case, *models.Incident, error) {
	const op = "store: area alerts"
	conn := db.conn.WithContext(ctx)
	var cases []*models.Case
	err := conn.Where("category = ? AND area_key = ? AND major = ? AND created_at >= ?", category, area, true, norm(since)).
		Order("id").Limit(max(limit, 1)).Find(&cases).Error
	if err != nil {
		return nil, nil, db.wrap(op, err)
	}
	var inc models.Incident
	err = conn.Where("open_key = ? AND last_at >= ?", category+"|"+area, norm(since)).Take(&inc).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return cases, nil, nil
	}
	if err != nil {
		return nil, nil, db.wrap(op, err)
	}
	return cases, &inc, nil
}

// IncidentCases implements models.DeadlineService.
func (db *DB) IncidentCases(ctx context.Context, incidentID uint64) ([]*models.Case, error) {
	var out []*models.Case
	err := db.conn.WithContext(ctx).Where("incident_id = ?", incidentID).Order("id").Find(&out).Error
	return out, db.wrap("store: incident cases", err)
}

// mayCluster is the cheap check before LinkIncident's locking transaction:
// an open incident for the category and area exists, or enough distinct
// households are among the area's newest cases of the window (at most
// clusterScan of them, so a street with hundreds of complaints costs no
// more). Most filings stop here.
func (db *DB) mayCluster(ctx context.Context, cl *models.Cluster) (bool, error) {
	conn := db.conn.WithContext(ctx)
	var open int64
	err := conn.Model(&models.Incident{}).Where("open_key = ?", cl.Category+"|"+cl.AreaKey).Count(&open).Error
	if err != nil || open > 0 {
		return open > 0, err
	}
	var recent []struct{ Phone, ResidentID string }
	err = conn.Model(&models.Case{}).Select("phone, resident_id").
		Where("category = ? AND area_key = ? AND created_at >= ? AND incident_id = 0", cl.Category, cl.AreaKey, norm(cl.Since)).
		Order("id DESC").Limit(clusterScan).Scan(&recent).Error
	seen := map[string]bool{}
	for _, r := range recent { // a household: its phone, else its WeChat resident (as clusterCases)
		if r.Phone != "" {
			seen[r.Phone] = true
		} else {
			seen["r:"+r.ResidentID] = true
		}
	}
	return len(seen) >= cl.Threshold, err
}

// clusterScan bounds how many recent cases mayCluster reads.
const clusterScan = 200
