package store_test

import (
	"context"
	"testing"
	"time"

	"tapline/models"
)

// TestCallbackQueueAndFollowUp: the queue's attempts and running
// call-back clock per case, full records by ID, and a follow-up event
// written with its outbox rows.
func TestCallbackQueueAndFollowUp(t *testing.T) {
	db, clk := openClocked(t)
	ctx := context.Background()
	due := clk.Now().Add(48 * time.Hour)
	nc := newCase("queue-0", 0)
	nc.Deadlines = []models.Deadline{{Stage: models.StageCallback, DueAt: due, NextAt: due}}
	a := mustCreate(t, db, nc)
	b := mustCreate(t, db, newCase("queue-1", 0))
	for i := 1; i <= 2; i++ {
		if err := db.Gorm().Create(&models.CallBack{CaseID: a.ID, Attempt: i, Outcome: models.OutcomeUnreachable, By: "hotline.crew"}).Error; err != nil {
			t.Fatal(err)
		}
	}
	attempts, dues, err := db.CallbackQueue(ctx, []uint64{a.ID, b.ID})
	if err != nil {
		t.Fatal(err)
	}
	if attempts[a.ID] != 2 || attempts[b.ID] != 0 || !dues[a.ID].Equal(due.UTC().Truncate(time.Millisecond)) {
		t.Fatalf("attempts %v, due %v", attempts, dues)
	}
	if _, ok := dues[b.ID]; ok {
		t.Fatalf("a case without a call-back clock has a due time: %v", dues)
	}
	full, err := db.CasesByID(ctx, []uint64{b.ID})
	if err != nil || len(full) != 1 || full[0].Phone != "13800001234" {
		t.Fatalf("cases by id: %v %v", full, err)
	}
	ids, err := db.AddFollowUp(ctx, b.ID, models.CaseEvent{Type: "supplemented", Actor: "hotline.crew", Role: "crew", Text: "再次来电"},
		[]models.Outbox{{Channel: models.ChannelSink, Target: "openid-queue-1", Audience: "resident", Kind: "text", Payload: `{"text":"x"}`}})
	if err != nil || len(ids) != 1 || ids[0] == 0 {
		t.Fatalf("follow-up: %v %v", ids, err)
	}
	evs, err := db.CaseEvents(ctx, b.ID)
	if err != nil || len(evs) != 2 || evs[1].Text != "再次来电" {
		t.Fatalf("events: %v %v", evs, err)
	}
	if _, err := db.AddFollowUp(ctx, 999999, models.CaseEvent{Type: "supplemented"}, nil); models.ErrorCode(err) != models.ENOTFOUND {
		t.Fatalf("no such case: %v", err)
	}
}
