package notify

import (
	"context"
	"testing"

	"tapline/bot"
	"tapline/bot/dingtalk"
	"tapline/bot/dingtalk/dingtalktest"
	"tapline/models"
)

// TestDingTalkCardChannel delivers a card's states to a DingTalk group
// through the outbox (the store of the backend under test) and the card
// platform fake: the first state creates the card, a later one updates it
// in place, a failed attempt is retried without a second card, and a
// click's update row changes the same card.
func TestDingTalkCardChannel(t *testing.T) {
	ctx := context.Background()
	clock := newTestClock()
	db := MustStore(t, clock)
	rdb, _ := MustRedis(t)
	g := dingtalktest.New(t, "dingkey", "dingsecret")
	api, err := dingtalk.NewOpenAPI(dingtalk.AppConfig{AppKey: "dingkey", AppSecret: "dingsecret"}, rdb,
		randomName("t")+":", dingtalk.WithOpenAPIBase(g.URL()))
	if err != nil {
		t.Fatal(err)
	}
	cards, err := dingtalk.NewCardSender(api, dingtalk.CardConfig{TemplateID: "tpl.schema"})
	if err != nil {
		t.Fatal(err)
	}
	d := NewDeliverer(db, map[string]bot.Sender{models.ChannelDingTalkCard: cards}, nil, clock, discard())
	target := dingtalk.GroupTarget("cidDept")
	g.FailNext("/v1.0/card/instances/createAndDeliver", 1)
	first := cardRow(t, d, models.ChannelDingTalkCard, target, "新工单", false)
	if err := d.Deliver(ctx, first); err != nil {
		t.Fatal(err)
	}
	if r := MustRow(t, db, first); r.Status != models.OutboxPending || len(g.Cards()) != 0 {
		t.Fatalf("after a 500: %s, %d cards", r.Status, len(g.Cards()))
	}
	clock.Add(DefaultBackoff[0] + 1)
	if err := d.Deliver(ctx, first); err != nil {
		t.Fatal(err)
	}
	second := cardRow(t, d, models.ChannelDingTalkCard, target, "已接单", true)
	if err := d.Deliver(ctx, second); err != nil {
		t.Fatal(err)
	}
	all := g.Cards()
	if MustRow(t, db, first).Status != models.OutboxSent || MustRow(t, db, second).Status != models.OutboxSent ||
		len(all) != 1 || all[0].Updates != 1 || all[0].Params[dingtalk.ParamTitle] != "已接单 TS1" {
		t.Fatalf("rows %s %s, cards %+v", MustRow(t, db, first).Status, MustRow(t, db, second).Status, all)
	}
	kind, payload, _ := EncodeMessage(bot.Message{Card: &bot.Card{Title: "已处理：李四 接单", CaseNumber: "TS1", Status: "已处理：李四 接单"}})
	click := &models.Outbox{Channel: models.ChannelDingTalkCard, Target: dingtalk.CardTargetCard + all[0].OutTrackID,
		Kind: kind, Payload: payload}
	if err := db.AddOutbox(ctx, []*models.Outbox{click}); err != nil {
		t.Fatal(err)
	}
	if err := d.Deliver(ctx, click.ID); err != nil {
		t.Fatal(err)
	}
	c, _ := g.Card(all[0].OutTrackID)
	if MustRow(t, db, click.ID).Status != models.OutboxSent || c.Params[dingtalk.ParamStatus] != "已处理：李四 接单" ||
		c.Params[dingtalk.ParamTitle] != "已接单 TS1" || len(g.Cards()) != 1 {
		t.Fatalf("after the click update: %+v", c)
	}
}
