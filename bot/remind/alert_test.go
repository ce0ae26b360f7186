package remind

import (
	"context"
	"fmt"
	"testing"
	"time"

	"tapline/models"
)

// fileMajor files a major (safety) case as intake does: its alert joins
// the card of the earlier major cases of its place, then it is clustered.
func (e *env) fileMajor(addr, phone string) *models.Case {
	e.t.Helper()
	ctx := context.Background()
	c := models.Case{DraftKey: fmt.Sprintf("m%d", seq.Add(1)), Status: models.StatusAssigned, Source: models.SourceWeChat,
		Category: "pipe_leak", Department: "construction", Name: "王先生", Address: addr, Phone: phone,
		Details: "水管爆了", AreaKey: AreaKey(addr), Major: true, MajorReason: "safety", Urgent: true}
	group, key, err := e.svc.AreaGroup(ctx, &c)
	if err != nil {
		e.t.Fatal(err)
	}
	nc := &models.NewCase{Case: c, Deadlines: e.svc.Plan().Filing(&c, e.clock.Now()),
		BuildOutbox: func(c *models.Case) ([]models.Outbox, error) {
			return e.svc.AlertRows(c, group, key, "紧急投诉", false)
		}}
	saved, _, err := e.db.CreateCase(ctx, nc)
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.svc.Cluster(ctx, saved); err != nil {
		e.t.Fatal(err)
	}
	return saved
}

// leaderRows returns the leaders' group rows, oldest first.
func (e *env) leaderRows() []models.Outbox {
	e.t.Helper()
	var rows []models.Outbox
	if err := e.db.Gorm().Where("audience = ? AND digest_key IS NULL", "leaders").Order("id").Find(&rows).Error; err != nil {
		e.t.Fatal(err)
	}
	return rows
}

// TestHouseholdsOfOnePlaceShareOneCard: three households of one estate
// report a burst main minutes apart: the first alert is a card, the next
// two and the incident they make are updates of that card, not new cards;
// the incident keeps one acknowledgement clock, the oldest (policy 4.1.3:
// half an hour from the first report).
func TestHouseholdsOfOnePlaceShareOneCard(t *testing.T) {
	e := newEnv(t)
	first := e.fileMajor("幸福小区3栋1单元101", "13900000001")
	e.clock.Set(e.clock.Now().Add(4 * time.Minute))
	second := e.fileMajor("幸福小区5栋2单元202", "13900000002")
	e.clock.Set(e.clock.Now().Add(4 * time.Minute))
	third := e.fileMajor("幸福小区12栋1单元301", "13900000003")

	rows := e.leaderRows()
	key := CardKey(first.Number)
	for i, r := range rows {
		msg := decode(t, r)
		if r.CardKey != key {
			t.Fatalf("leaders' row %d (%s) is card %q, want %q", i, msg, r.CardKey, key)
		}
	}
	if len(rows) != 4 { // the first card, two households joining, the incident
		t.Fatalf("%d leaders' rows, want 4", len(rows))
	}
	last := decode(t, rows[len(rows)-1])
	if want := "card:🚨 重大投诉：群体性事件，幸福小区 3 户反映（" + first.Number; len(last) < len(want) || last[:len(want)] != want {
		t.Fatalf("incident card %q", last)
	}
	if !rows[len(rows)-1].NextAt.After(e.clock.Now()) {
		t.Fatal("an update of the card does not wait for the burst to settle")
	}
	var running []models.Deadline
	e.db.Gorm().Where("stage = ? AND status = ?", models.StageMajorAck, models.DeadlineRunning).Find(&running)
	if len(running) != 1 || running[0].CaseID != first.ID {
		t.Fatalf("running acknowledgement clocks %+v, want the first household's only", running)
	}
	for _, c := range []*models.Case{second, third} {
		if got, _ := e.db.FindCaseByID(context.Background(), c.ID); got.IncidentID == 0 {
			t.Fatalf("%s not in the incident", c.Number)
		}
	}
}

// TestAlertWithoutAddressWaitsAndMerges: an emergency filed before its
// address is known holds its alert; when the address places it beside an
// earlier household, the held alert is withdrawn and the earlier card is
// updated instead.
func TestAlertWithoutAddressWaitsAndMerges(t *testing.T) {
	e := newEnv(t)
	first := e.fileMajor("幸福小区3栋1单元101", "13900000001")
	late := e.fileMajor("", "13900000002") // the emergency dialog files before the address
	held := e.leaderRows()[1]
	if held.CardKey != CardKey(late.Number) || !held.NextAt.Equal(e.clock.Now().Add(DefaultAlertHold).UTC().Truncate(time.Millisecond)) {
		t.Fatalf("alert without address: card %q due %s", held.CardKey, held.NextAt)
	}
	late.Address, late.AreaKey = "幸福小区5栋", "幸福小区" // the supplement
	group, key, err := e.svc.AreaGroup(context.Background(), late)
	if err != nil || key != CardKey(first.Number) || len(group) != 1 {
		t.Fatalf("group %v key %q %v", group, key, err)
	}
	e.svc.Withdraw(context.Background(), late, key)
	if r, _ := e.db.FindOutbox(context.Background(), held.ID); r.Status != models.OutboxSkipped {
		t.Fatalf("held alert %s, want skipped", r.Status)
	}
}
