package dingtalk

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"tapline/bot"
	"tapline/bot/dingtalk/dingtalktest"
	"tapline/bot/redisstore/redistest"
)

const testTemplate = "tpl-0001.schema"

func newCardSender(t *testing.T, routeKey string) (*CardSender, *dingtalktest.Gateway) {
	t.Helper()
	g := dingtalktest.New(t, testAppKey, testAppSecret)
	rdb, prefix := redistest.New(t)
	api, err := NewOpenAPI(AppConfig{AppKey: testAppKey, AppSecret: testAppSecret, RobotCode: "dingrobot"},
		rdb, prefix, WithOpenAPIBase(g.URL()))
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewCardSender(api, CardConfig{TemplateID: testTemplate, CallbackRouteKey: routeKey})
	if err != nil {
		t.Fatal(err)
	}
	return s, g
}

func taskCard() *bot.Card {
	return &bot.Card{Title: "新工单", CaseNumber: "TS20261204-0001", Category: "停水", Department: "管网一所",
		Name: "张＊", Phone: "138＊＊＊＊0000", Address: "和平路 1 号", Summary: "整栋楼停水 <b>",
		At: time.Date(2026, 12, 4, 8, 0, 0, 0, time.UTC), Status: "待接单", TaskID: "task_TS20261204-0001",
		Buttons: []bot.Button{{Key: "accept:TS20261204-0001", Text: "接单", Style: 1}}}
}

func TestCardSenderCreatesThenUpdatesInPlace(t *testing.T) {
	s, g := newCardSender(t, "")
	target := GroupTarget("cidGroup1==")
	if err := s.Send(t.Context(), target, bot.Message{Card: taskCard()}); err != nil {
		t.Fatal(err)
	}
	id := OutTrackID(taskCard(), target)
	c, ok := g.Card(id)
	if !ok {
		t.Fatalf("no card %s; cards %+v", id, g.Cards())
	}
	if c.OpenSpaceID != "dtv1.card//IM_GROUP.cidGroup1==" || c.RobotCode != "dingrobot" || c.CallbackType != "STREAM" ||
		c.TemplateID != testTemplate {
		t.Fatalf("card delivered as %+v", c)
	}
	if c.Params["btn1_key"] != "accept:TS20261204-0001" || c.Params["btn1_show"] != "true" ||
		c.Params["btn2_show"] != "false" || c.Params[ParamStatus] != "待接单" {
		t.Fatalf("params %v", c.Params)
	}
	if strings.Contains(c.Params[ParamMarkdown], "<b>") {
		t.Fatalf("markup not neutralised: %q", c.Params[ParamMarkdown])
	}
	// A later state without buttons updates the same card and hides the button.
	next := taskCard()
	next.Update, next.Status, next.Buttons = true, "处理中", nil
	if err := s.Send(t.Context(), target, bot.Message{Card: next}); err != nil {
		t.Fatal(err)
	}
	c, _ = g.Card(id)
	if len(g.Cards()) != 1 || c.Updates != 1 || c.Params[ParamStatus] != "处理中" || c.Params["btn1_show"] != "false" {
		t.Fatalf("after update: %d cards, %+v", len(g.Cards()), c)
	}
}

func TestCardSenderRetryIsIdempotent(t *testing.T) {
	s, g := newCardSender(t, "route-1")
	target := UserTarget("staff-007")
	for range 2 { // the second attempt finds the card: it is updated, not duplicated
		if err := s.Send(t.Context(), target, bot.Message{Card: taskCard()}); err != nil {
			t.Fatal(err)
		}
	}
	cards := g.Cards()
	if len(cards) != 1 || cards[0].Updates != 1 || cards[0].OpenSpaceID != "dtv1.card//IM_ROBOT.staff-007" ||
		cards[0].RouteKey != "route-1" || cards[0].CallbackType != "" {
		t.Fatalf("cards %+v", cards)
	}
	// An update whose card never arrived creates it.
	late := taskCard()
	late.TaskID, late.Update = "major_TS20261204-0001", true
	if err := s.Send(t.Context(), target, bot.Message{Card: late}); err != nil {
		t.Fatal(err)
	}
	if c, ok := g.Card(OutTrackID(late, target)); !ok || c.Params[ParamTitle] == "" {
		t.Fatalf("update of a missing card did not create it: %+v", g.Cards())
	}
}

func TestCardSenderClickTargetUpdatesStatusOnly(t *testing.T) {
	s, g := newCardSender(t, "")
	target := GroupTarget("cidG")
	if err := s.Send(t.Context(), target, bot.Message{Card: taskCard()}); err != nil {
		t.Fatal(err)
	}
	id := OutTrackID(taskCard(), target)
	status := &bot.Card{Title: "已处理：李四 接单", CaseNumber: "TS20261204-0001", Status: "已处理：李四 接单"}
	if err := s.Send(t.Context(), CardTargetCard+id, bot.Message{Card: status}); err != nil {
		t.Fatal(err)
	}
	c, _ := g.Card(id)
	if c.Params[ParamStatus] != "已处理：李四 接单" || c.Params["btn1_show"] != "false" ||
		!strings.Contains(c.Params[ParamTitle], "新工单") {
		t.Fatalf("params after click update %v", c.Params)
	}
}

func TestCardSenderFailures(t *testing.T) {
	s, g := newCardSender(t, "")
	for _, tc := range []struct {
		target string
		msg    bot.Message
	}{
		{"oops", bot.Message{Card: taskCard()}},
		{GroupTarget("cid"), bot.Message{File: &bot.File{Name: "a.xlsx"}}},
		{GroupTarget("cid"), bot.Message{}},
	} {
		if err := s.Send(t.Context(), tc.target, tc.msg); !errors.Is(err, bot.ErrPermanent) {
			t.Errorf("Send(%q) = %v, want permanent", tc.target, err)
		}
	}
	g.FailNext("/v1.0/card/instances/createAndDeliver", 1)
	err := s.Send(t.Context(), GroupTarget("cid"), bot.Message{Card: taskCard()})
	if err == nil || errors.Is(err, bot.ErrPermanent) {
		t.Fatalf("5xx: %v, want a retryable error", err)
	}
	if err := s.Send(t.Context(), GroupTarget("cid"), bot.Message{Card: taskCard()}); err != nil {
		t.Fatalf("retry after 5xx: %v", err)
	}
}

func TestDecodeCardClick(t *testing.T) {
	body := dingtalktest.ClickBody("tlabc", "staff-007", "dtv1.card//IM_GROUP.cidG", "approve:TS20261204-0001:v2")
	click, err := DecodeCardClick(body)
	if err != nil {
		t.Fatal(err)
	}
	u := click.Update
	if u.Platform != bot.PlatformDingTalk || u.Kind != bot.KindEvent || u.Event != "card_click" ||
		u.EventKey != "approve:TS20261204-0001:v2" || u.SenderID != "staff-007" || u.ChatType != "group" ||
		u.ChatID != "cidG" || u.TaskID != "tlabc" || u.ResponseCode != "card:tlabc" || u.MsgID == "" {
		t.Fatalf("update %+v", u)
	}
	again, _ := DecodeCardClick(body)
	other, _ := DecodeCardClick(dingtalktest.ClickBody("tlabc", "staff-008", "dtv1.card//IM_GROUP.cidG", "approve:TS20261204-0001:v2"))
	if again.Update.DedupeKey() != u.DedupeKey() || other.Update.DedupeKey() == u.DedupeKey() {
		t.Fatal("dedupe keys: the same click must repeat, another person's must differ")
	}
	for _, bad := range []string{`{`, `{"outTrackId":"x","userId":"u","content":"{}"}`,
		`{"outTrackId":"","userId":"u","content":"{\"cardPrivateData\":{\"params\":{\"key\":\"a:b\"}}}"}`,
		`{"outTrackId":"x","userId":"u","content":"{\"cardPrivateData\":{\"params\":{\"key\":\"a\u0000b\"}}}"}`} {
		if _, err := DecodeCardClick([]byte(bad)); err == nil {
			t.Errorf("DecodeCardClick(%s) accepted", bad)
		}
	}
}

func TestCheckCallbackToken(t *testing.T) {
	if CheckCallbackToken(url.Values{"token": {"s3cret-token-0123"}}, "s3cret-token-0123") != nil {
		t.Fatal("right token refused")
	}
	for _, q := range []url.Values{{}, {"token": {"wrong"}}, {"token": {""}}} {
		if !errors.Is(CheckCallbackToken(q, "s3cret-token-0123"), ErrCallbackToken) {
			t.Errorf("token %v accepted", q)
		}
	}
	if CheckCallbackToken(url.Values{"token": {""}}, "") == nil {
		t.Fatal("an unconfigured token must refuse")
	}
}

func TestRegisterCallback(t *testing.T) {
	s, g := newCardSender(t, "route-1")
	if err := s.api.RegisterCallback(t.Context(), "route-1", "https://host/webhooks/dingtalk/card?token=x"); err != nil {
		t.Fatal(err)
	}
	if g.Callback("route-1") != "https://host/webhooks/dingtalk/card?token=x" {
		t.Fatalf("registered %q", g.Callback("route-1"))
	}
}

func TestClickResponse(t *testing.T) {
	r, ok := ClickResponse(bot.Reply{Text: "已接单"}).(CardResponse)
	if !ok || r.UserPrivateData.CardParamMap[ParamReply] != "已接单" || !r.CardUpdateOptions["updatePrivateDataByKey"] {
		t.Fatalf("response %+v", r)
	}
	if _, ok := ClickResponse(bot.Reply{}).(struct{}); !ok {
		t.Fatal("an empty reply must change nothing")
	}
}
