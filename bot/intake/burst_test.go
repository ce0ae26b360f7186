package intake

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"tapline/bot"
	"tapline/bot/address"
	"tapline/bot/calendar"
	"tapline/bot/dialog"
	"tapline/bot/policy"
	"tapline/bot/remind"
	"tapline/models"
	"tapline/models/store"
	"tapline/models/store/storetest"
)

type nopArmer struct{}

func (nopArmer) Arm(context.Context, uint64, int, time.Time) error { return nil }

// TestBurstMainOneLeadershipCard: three households of one estate report a
// burst main through the emergency dialog (filed before the address, then
// supplemented): the department gets each case and its completed card;
// leadership gets one card, the first household's, whose later states are
// updates (the households joining, the incident, the supplements), and the
// alerts held for the address of the others are withdrawn (issue 14:
// seven cards for three households).
func TestBurstMainOneLeadershipCard(t *testing.T) {
	p, err := policy.Load("../../configs/policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cal, err := calendar.Load("../../configs/calendar.txt")
	if err != nil {
		t.Fatal(err)
	}
	db := storetest.Open(t)
	log := slog.New(slog.DiscardHandler)
	r := remind.New(remind.Plan{Policy: p, Calendar: cal}, db, db, address.Book{Policy: p, Direct: models.ChannelSink},
		nopArmer{}, &fakeEnq{}, bot.SystemClock{}, log, remind.WithOutbox(db))
	s := New(p, db, &fakeEnq{}, bot.SystemClock{}, log, WithRemind(r))
	ctx := context.Background()
	var numbers []string
	for i, building := range []string{"3栋", "5栋", "12栋"} {
		d := &dialog.Draft{Key: fmt.Sprintf("burst-%d", i), ResidentID: fmt.Sprintf("o-burst-%d", i), Category: "pipe_leak",
			Details: "小区门口水管爆了", Major: "safety", Emergency: "burst_main"}
		n, err := s.File(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		d.Number, d.Name, d.Phone, d.Address = n, "王建", fmt.Sprintf("1391234560%d", i), "幸福小区"+building+"1单元101"
		if err := s.Supplement(ctx, d); err != nil {
			t.Fatal(err)
		}
		numbers = append(numbers, n)
	}
	var rows []models.Outbox
	db.Gorm().Where("digest_key IS NULL").Order("id").Find(&rows)
	cards := map[string]map[string]bool{} // audience → card keys still to go out
	dept := 0
	for _, row := range rows {
		switch {
		case row.Audience == "construction":
			dept++
		case row.Status == models.OutboxPending && row.Audience != "resident":
			if cards[row.Audience] == nil {
				cards[row.Audience] = map[string]bool{}
			}
			cards[row.Audience][row.CardKey] = true
		}
	}
	if dept != 6 {
		t.Errorf("the department got %d cards, want each case and its completed card (6)", dept)
	}
	want := remind.CardKey(numbers[0])
	for _, a := range []string{"leaders", "leader.b", "gm"} {
		if len(cards[a]) != 1 || !cards[a][want] {
			t.Errorf("%s: cards to go out %v, want only %s", a, cards[a], want)
		}
	}
	inc := mustIncident(t, db, numbers[2])
	if inc.CardKey != want || inc.Households != 3 {
		t.Fatalf("incident %+v", inc)
	}
}

func mustIncident(t *testing.T, db *store.DB, number string) models.Incident {
	t.Helper()
	c, err := db.FindCaseByNumber(context.Background(), number)
	if err != nil || c.IncidentID == 0 {
		t.Fatalf("%s: incident %d %v", number, c.IncidentID, err)
	}
	var inc models.Incident
	if err := db.Gorm().Where("id = ?", c.IncidentID).Take(&inc).Error; err != nil {
		t.Fatal(err)
	}
	return inc
}
