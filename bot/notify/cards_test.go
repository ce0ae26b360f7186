package notify

import (
	"context"
	"sync"
	"testing"

	"tapline/bot"
	"tapline/models"
)

// recorder is a Sender that keeps what it was given.
type recorder struct {
	mu   sync.Mutex
	got  []bot.Message
	fail error
}

func (r *recorder) Send(_ context.Context, _ string, msg bot.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, msg)
	return r.fail
}

// cardRow adds a pending row of card K's state for channel and target.
func cardRow(t *testing.T, d *Deliverer, channel, target, title string, update bool) uint64 {
	t.Helper()
	kind, payload, err := EncodeMessage(bot.Message{Card: &bot.Card{Title: title, CaseNumber: "TS1", TaskID: "major_TS1", Update: update}})
	if err != nil {
		t.Fatal(err)
	}
	row := &models.Outbox{Channel: channel, Target: target, Kind: kind, Payload: payload, CardKey: "major_TS1"}
	if err := d.outbox.AddOutbox(context.Background(), []*models.Outbox{row}); err != nil {
		t.Fatal(err)
	}
	return row.ID
}

// TestCardStates: of one card's rows to one target only the latest is
// posted; an update whose card never went out is posted as the card; a
// group robot does not get updates; the app gets them as updates; a
// withdrawn card's waiting rows are not posted.
func TestCardStates(t *testing.T) {
	ctx := context.Background()
	clock := newTestClock()
	db := MustStore(t, clock)
	robot, app := &recorder{}, &recorder{}
	d := NewDeliverer(db, map[string]bot.Sender{models.ChannelWeComRobot: robot, models.ChannelWeComApp: app},
		nil, clock, discard())
	deliver := func(id uint64) {
		t.Helper()
		if err := d.Deliver(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	first := cardRow(t, d, models.ChannelWeComRobot, "k", "1 户", false)
	second := cardRow(t, d, models.ChannelWeComRobot, "k", "2 户", true)
	deliver(first)
	deliver(second)
	if MustRow(t, db, first).Status != models.OutboxSkipped || MustRow(t, db, second).Status != models.OutboxSent {
		t.Fatalf("rows %s %s", MustRow(t, db, first).Status, MustRow(t, db, second).Status)
	}
	if len(robot.got) != 1 || robot.got[0].Card.Title != "2 户" || robot.got[0].Card.Update {
		t.Fatalf("robot got %+v: want the latest state once, as a card", robot.got)
	}
	third := cardRow(t, d, models.ChannelWeComRobot, "k", "3 户", true)
	deliver(third)
	if r := MustRow(t, db, third); r.Status != models.OutboxSkipped || r.LastError != whyNoUpdate || len(robot.got) != 1 {
		t.Fatalf("robot update: %s %q, robot got %d", r.Status, r.LastError, len(robot.got))
	}

	sent := cardRow(t, d, models.ChannelWeComApp, "leader.b", "1 户", false)
	deliver(sent)
	upd := cardRow(t, d, models.ChannelWeComApp, "leader.b", "3 户", true)
	deliver(upd)
	if len(app.got) != 2 || app.got[0].Card.Update || !app.got[1].Card.Update || app.got[1].Card.Title != "3 户" {
		t.Fatalf("app got %+v", app.got)
	}

	held := cardRow(t, d, models.ChannelWeComApp, "gm", "1 户", false)
	if n, err := db.WithdrawCard(ctx, "major_TS1", "merged into major_TS0"); err != nil || n != 1 {
		t.Fatalf("withdraw: %d %v", n, err)
	}
	deliver(held)
	if r := MustRow(t, db, held); r.Status != models.OutboxSkipped || len(app.got) != 2 {
		t.Fatalf("withdrawn row %s, app got %d", r.Status, len(app.got))
	}
}
