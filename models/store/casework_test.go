package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"tapline/models"
)

// proposal is a transition proposing measure version v on c.
func proposal(c *models.Case, v int) *models.Transition {
	return &models.Transition{
		CaseID: c.ID, Version: c.Version, ToStatus: models.StatusMeasuresProposed,
		Event: models.CaseEvent{Type: "propose", Actor: "quality.crew", Role: "crew", Channel: "wecom",
			FromStatus: c.Status, ToStatus: models.StatusMeasuresProposed, Text: "冲洗管网"},
		Work:    &models.CaseWork{Assignee: "quality.crew", MeasureVersion: v},
		Measure: &models.Measure{Version: v, Kind: models.MeasureKindMeasures, Text: "冲洗管网", Proposer: "quality.crew"},
		Outbox:  []models.Outbox{{Channel: models.ChannelSink, Target: "leaders", Kind: "text", Payload: `{"text":"x"}`}},
	}
}

func TestApplyWritesEverythingOnce(t *testing.T) {
	db, _ := openClocked(t)
	ctx := context.Background()
	c := mustCreate(t, db, newCase("cw1", 0))
	tr := proposal(c, 1)
	got, err := db.Apply(ctx, tr)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != models.StatusMeasuresProposed || got.Version != 2 {
		t.Fatalf("case after apply: %s v%d", got.Status, got.Version)
	}
	if tr.Event.ID == 0 || tr.Measure.ID == 0 || tr.Outbox[0].ID == 0 || tr.Outbox[0].CaseID != c.ID {
		t.Fatalf("ids not filled: %+v %+v %+v", tr.Event, tr.Measure, tr.Outbox)
	}
	w, _ := db.CaseWork(ctx, c.ID)
	if w.MeasureVersion != 1 || w.Assignee != "quality.crew" {
		t.Fatalf("work %+v", w)
	}
	// The approval binds to the measure; a second apply on the stale version conflicts.
	appr := &models.Transition{CaseID: c.ID, Version: got.Version, ToStatus: models.StatusNegotiating,
		Event:    models.CaseEvent{Type: "approve", Actor: "leader.b"},
		Work:     &models.CaseWork{Assignee: "quality.crew", MeasureVersion: 1, Round: 1},
		Approval: &models.Approval{MeasureID: tr.Measure.ID, MeasureVersion: 1, Approver: "leader.b", Role: "leader", Decision: models.DecisionApprove}}
	if _, err := db.Apply(ctx, appr); err != nil {
		t.Fatal(err)
	}
	_, err = db.Apply(ctx, proposal(c, 2)) // still carries Version 1
	wantCode(t, err, models.ECONFLICT)
	ms, _ := db.Measures(ctx, c.ID)
	as, _ := db.Approvals(ctx, c.ID)
	w, _ = db.CaseWork(ctx, c.ID)
	if len(ms) != 1 || len(as) != 1 || as[0].MeasureID != ms[0].ID || w.Round != 1 {
		t.Fatalf("after conflict: measures %d approvals %+v work %+v", len(ms), as, w)
	}
	rows, total, _ := db.ListOutbox(ctx, models.OutboxFilter{CaseID: c.ID})
	if total != 1 || len(rows) != 1 {
		t.Fatalf("the conflicting transition wrote outbox rows: %d", total)
	}
}

func TestApplyDuplicateMeasureVersionRollsBack(t *testing.T) {
	db, _ := openClocked(t)
	ctx := context.Background()
	c := mustCreate(t, db, newCase("cw2", 0))
	if _, err := db.Apply(ctx, proposal(c, 1)); err != nil {
		t.Fatal(err)
	}
	c, _ = db.FindCaseByNumber(ctx, c.Number)
	if _, err := db.Apply(ctx, proposal(c, 1)); err == nil {
		t.Fatal("a second measure with version 1 must fail")
	}
	after, _ := db.FindCaseByNumber(ctx, c.Number)
	evs, _ := db.CaseEvents(ctx, c.ID)
	if after.Version != c.Version || len(evs) != 2 {
		t.Fatalf("not rolled back: version %d events %d", after.Version, len(evs))
	}
}

func TestApplyMissingCaseAndLastEvent(t *testing.T) {
	db, clk := openClocked(t)
	ctx := context.Background()
	_, err := db.Apply(ctx, &models.Transition{CaseID: 999, Version: 1, ToStatus: models.StatusAccepted})
	wantCode(t, err, models.ENOTFOUND)
	_, err = db.FindCaseByID(ctx, 999)
	wantCode(t, err, models.ENOTFOUND)
	c := mustCreate(t, db, newCase("cw3", 0))
	note := &models.Transition{CaseID: c.ID, Version: c.Version, ToStatus: c.Status,
		Event: models.CaseEvent{Type: "note", Actor: "quality.crew", Text: "到现场"}}
	if _, err := db.Apply(ctx, note); err != nil {
		t.Fatal(err)
	}
	ev, err := db.LastEventBy(ctx, "quality.crew", "note", clk.Now().Add(-time.Minute))
	if err != nil || ev.ID != note.Event.ID {
		t.Fatalf("last event %+v %v", ev, err)
	}
	clk.Add(10 * time.Minute)
	_, err = db.LastEventBy(ctx, "quality.crew", "note", clk.Now().Add(-time.Minute))
	wantCode(t, err, models.ENOTFOUND)
}

func TestApplyConcurrentOneWins(t *testing.T) {
	db, _ := openClocked(t)
	ctx := context.Background()
	c := mustCreate(t, db, newCase("cw4", 0))
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, errs[i] = db.Apply(ctx, &models.Transition{CaseID: c.ID, Version: c.Version, ToStatus: models.StatusAccepted,
				Event: models.CaseEvent{Type: "accept", Actor: "crew"}, Work: &models.CaseWork{Assignee: "crew"}})
		})
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch models.ErrorCode(err) {
		case "":
			won++
		case models.ECONFLICT:
		default:
			t.Fatalf("unexpected error: %v", err)
		}
	}
	evs, _ := db.CaseEvents(ctx, c.ID)
	if won != 1 || len(evs) != 2 {
		t.Fatalf("winners %d, events %d", won, len(evs))
	}
}
