package casework

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"tapline/bot"
	"tapline/models"
)

func TestApprovalBoundToMeasureVersion(t *testing.T) {
	e := newEnv(t)
	c := e.file("construction", false, "o-v")
	e.say("construction.crew", "接单 "+c.Number)
	e.say("construction.crew", "措施 "+c.Number+" 三天内修复路面")
	mustContain(t, e.say("construction.head", "措施 "+c.Number+" 明天修复路面并赔偿洗车费"), "第 2 版", "第 1 版已作废")
	mustContain(t, e.do(click("leader.b", Key(ActApprove, c.Number, 1))), "已更新为第 2 版", "第 1 版已作废")
	e.mustStatus(c, models.StatusMeasuresProposed)
	mustContain(t, e.say("leader.b", "驳回 "+c.Number+" v1 不够"), "已更新为第 2 版")
	mustContain(t, e.do(click("leader.b", Key(ActApprove, c.Number, 2))), "已批准投诉 "+c.Number+" 第 2 版")
	e.mustStatus(c, models.StatusNegotiating)
	as, _ := e.db.Approvals(context.Background(), c.ID)
	ms, _ := e.db.Measures(context.Background(), c.ID)
	if len(as) != 1 || len(ms) != 2 || as[0].MeasureVersion != 2 || as[0].MeasureID != ms[1].ID {
		t.Fatalf("approvals %+v measures %+v", as, ms)
	}
}

func TestRejectedMeasuresGoBackAndNeedApprovalAgain(t *testing.T) {
	e := newEnv(t)
	c := e.file("supply", false, "o-r")
	e.say("supply.crew", "接单 "+c.Number)
	e.say("supply.crew", "措施 "+c.Number+" 解释水压正常")
	mustContain(t, e.do(click("leader.b", Key(ActReject, c.Number, 1))), "「驳回」需要写明驳回的理由", "驳回 "+c.Number)
	e.mustStatus(c, models.StatusMeasuresProposed)
	mustContain(t, e.say("leader.b", "驳回 "+c.Number+" 第1版 先上门测压"), "已驳回")
	e.mustStatus(c, models.StatusAccepted)
	mustContain(t, e.say("leader.b", "批准 "+c.Number), "不能「批准」")
	e.say("supply.crew", "措施 "+c.Number+" 上门测压并调整减压阀")
	mustContain(t, e.say("leader.b", "批准 "+c.Number), "第 2 版")
	as, _ := e.db.Approvals(context.Background(), c.ID)
	if len(as) != 2 || as[0].Decision != models.DecisionReject || as[0].Reason != "先上门测压" || as[1].MeasureVersion != 2 {
		t.Fatalf("approvals %+v", as)
	}
	if g := rowsTo(e.outbox(c), "supply"); !strings.Contains(g[len(g)-2].msg.Text, "驳回") {
		t.Fatalf("department not told of the rejection: %+v", g)
	}
}

func TestNegotiationLoopCountsRoundsAndEscalates(t *testing.T) {
	e := newEnv(t)
	c := e.file("business", false, "o-n")
	e.say("business.crew", "接单 "+c.Number)
	for round := 1; round <= 3; round++ {
		e.say("business.crew", fmt.Sprintf("措施 %s 上门方案%d", c.Number, round))
		e.say("leader.a", "批准 "+c.Number)
		if w := e.work(c); w.Round != round || w.MeasureVersion != round {
			t.Fatalf("round %d: work %+v", round, w)
		}
		mustContain(t, e.resident("o-n", "不接受，赔偿太少"), "重新研究")
		e.mustStatus(c, models.StatusAccepted)
		if n := len(rowsTo(e.outbox(c), "leaders")); (round < 3 && n != round) || (round == 3 && n != round+1) {
			t.Fatalf("round %d: %d leaders rows (escalation only after 3 rounds)", round, n)
		}
	}
	last := rowsTo(e.outbox(c), "leaders")
	mustContain(t, last[len(last)-1].msg.Text, "已协商 3 轮")
	if ev := e.events(c, ActResidentReject); len(ev) != 3 || ev[2].Text != "赔偿太少" {
		t.Fatalf("reject events %+v", ev)
	}
	if r, handled, _ := e.svc.Resident(context.Background(), residentText("o-n", "接受")); handled {
		t.Fatalf("nothing is put to the resident now, got %q", r.Text)
	}
}

func TestUnfoundedPath(t *testing.T) {
	e := newEnv(t)
	c := e.file("business", false, "o-u")
	e.say("business.crew", "接单 "+c.Number)
	mustContain(t, e.say("business.crew", "不属实 "+c.Number+" 经核查水表读数正确"), "已发给居民确认")
	e.mustStatus(c, models.StatusNegotiating) // policy 4.2.6: no approval needed
	res := rowsTo(e.outbox(c), "resident")
	mustContain(t, res[len(res)-1].msg.Text, "经核查水表读数正确", "不接受")
	e.resident("o-u", "不认可 我家没人用水")
	e.mustStatus(c, models.StatusAccepted)
	e.say("business.crew", "不属实 "+c.Number+" 已现场复核水表，附检定报告")
	if w := e.work(c); w.Round != 2 || !w.Unfounded || w.MeasureVersion != 2 {
		t.Fatalf("work %+v", w)
	}
	e.resident("o-u", "接受")
	e.mustStatus(c, models.StatusResolved) // nothing to carry out
	e.say("business.head", "确认 "+c.Number)
	hot := rowsTo(e.outbox(c), "hotline")
	if len(hot) != 1 {
		t.Fatalf("hotline rows %+v", hot)
	}
	mustContain(t, hot[0].msg.Text, "不属实", "附检定报告")
}

func TestTransferSendsCardToNewDepartment(t *testing.T) {
	e := newEnv(t)
	c := e.file("quality", false, "o-t")
	cases := []struct{ who, text, want string }{
		{"quality.crew", "转派 " + c.Number, "需要写明部门和理由"},
		{"quality.crew", "转派 " + c.Number + " 物业 不归我们", "没有找到要转去的部门"},
		{"quality.crew", "转派 " + c.Number + " 水质检测室 不归我们", "无需转派"},
		{"quality.crew", "转派 " + c.Number + " 施工队", "需要写明部门和理由"},
		{"supply.crew", "转派 " + c.Number + " 施工队 管道问题", "需要由"},
		{"quality.crew", "转派" + c.Number + "施工队，是管道锈蚀", "已将投诉"},
	}
	for _, tc := range cases {
		mustContain(t, e.say(tc.who, tc.text), tc.want)
	}
	got, _ := e.db.FindCaseByNumber(context.Background(), c.Number)
	if got.Department != "construction" || got.Status != models.StatusAssigned {
		t.Fatalf("after transfer: %s %s", got.Department, got.Status)
	}
	card := rowsTo(e.outbox(c), "construction")
	if len(card) != 1 || card[0].msg.Card == nil || card[0].msg.Card.Buttons[0].Key != "accept:"+c.Number {
		t.Fatalf("new department card %+v", card)
	}
	mustContain(t, card[0].msg.Card.Summary, "是管道锈蚀")
	mustContain(t, e.say("quality.crew", "接单 "+c.Number), "需要由施工队人员")
	mustContain(t, e.do(click("construction.crew", card[0].msg.Card.Buttons[0].Key)), "已接单")
}

func TestQuestionRelayRoundTrip(t *testing.T) {
	e := newEnv(t)
	c := e.file("construction", false, "o-q")
	phone := e.file("construction", false, "")
	e.say("construction.crew", "接单 "+c.Number)
	e.say("construction.crew", "接单 "+phone.Number)
	mustContain(t, e.say("construction.crew", "问 "+phone.Number+" 哪天在家"), "不是居民通过公众号提交的")
	mustContain(t, e.say("construction.crew", "问 "+c.Number+" 请问明天上午在家吗？"), "已转达居民")
	res := rowsTo(e.outbox(c), "resident")
	mustContain(t, res[len(res)-1].msg.Text, "请问明天上午在家吗？")
	mustContain(t, e.resident("o-q", "在家，九点以后"), "已转告")
	grp := rowsTo(e.outbox(c), "construction")
	mustContain(t, grp[len(grp)-1].msg.Text, "问：请问明天上午在家吗？", "答：在家，九点以后")
	if ev := e.events(c, EventResidentAnswer); len(ev) != 1 || ev[0].Role != "resident" {
		t.Fatalf("answer events %+v", ev)
	}
	if w := e.work(c); w.PendingQuestion != "" {
		t.Fatalf("question still pending: %+v", w)
	}
	if _, handled, _ := e.svc.Resident(context.Background(), residentText("o-q", "我还想投诉水费")); handled {
		t.Fatal("a second message after the answer must go to the intake dialog")
	}
	e.say("construction.crew", "问 "+c.Number+" 门牌号是多少？")
	e.clock.Add(73 * time.Hour)
	if _, handled, _ := e.svc.Resident(context.Background(), residentText("o-q", "5号")); handled {
		t.Fatal("a stale question must not capture messages")
	}
}

func TestConcurrentAcceptOneWins(t *testing.T) {
	e := newEnv(t)
	c := e.file("quality", false, "")
	who := []string{"quality.crew", "quality.head"}
	replies := make([]string, len(who))
	var wg sync.WaitGroup
	for i, id := range who {
		wg.Go(func() {
			r, err := e.svc.Handle(context.Background(), staffText(id, "接单 "+c.Number))
			if err != nil {
				t.Error(err)
			}
			replies[i] = r.Text
		})
	}
	wg.Wait()
	won := 0
	for _, r := range replies {
		if strings.HasPrefix(r, "已接单") {
			won++
		} else if !strings.Contains(r, "已处理") {
			t.Fatalf("loser reply %q", r)
		}
	}
	if won != 1 || len(e.events(c, ActAccept)) != 1 {
		t.Fatalf("replies %q, accept events %d", replies, len(e.events(c, ActAccept)))
	}
	got, _ := e.db.FindCaseByNumber(context.Background(), c.Number)
	if got.Version != 2 {
		t.Fatalf("version %d, want 2 (one transition)", got.Version)
	}
}

func TestButtonPressedTwiceMovesOnce(t *testing.T) {
	e := newEnv(t)
	c := e.file("quality", false, "")
	key := Key(ActAccept, c.Number, 0)
	mustContain(t, e.do(click("quality.crew", key)), "已接单")
	mustContain(t, e.do(click("quality.crew", key)), "已处理", "水质检测室组员", "接单")
	if n := len(e.events(c, ActAccept)); n != 1 {
		t.Fatalf("accept events %d", n)
	}
}

func TestPhotoAttachesToRecentNote(t *testing.T) {
	e := newEnv(t)
	c := e.file("quality", false, "")
	photo := bot.Update{Platform: bot.PlatformWeCom, Kind: bot.KindImage, SenderID: "quality.crew", MediaID: "m1", PicURL: "https://img/1.jpg"}
	mustContain(t, e.do(photo), "请先发送「进展")
	e.say("quality.crew", "接单 "+c.Number)
	e.say("quality.crew", "进展 "+c.Number+" 已到现场")
	e.clock.Add(2 * time.Minute)
	mustContain(t, e.do(photo), "照片已附到投诉 "+c.Number)
	ev := e.events(c, EventPhoto)
	if len(ev) != 1 || !strings.Contains(ev[0].Text, `"media_id":"m1"`) || !strings.Contains(ev[0].Text, fmt.Sprint(e.events(c, ActNote)[0].ID)) {
		t.Fatalf("photo events %+v", ev)
	}
	e.clock.Add(10 * time.Minute)
	mustContain(t, e.do(photo), "请先发送「进展")
}

func TestNumberInferredFromOneOpenCase(t *testing.T) {
	e := newEnv(t)
	c1 := e.file("supply", false, "")
	mustContain(t, e.say("supply.crew", "接单"), "已接单：投诉 "+c1.Number)
	c2 := e.file("supply", false, "")
	c3 := e.file("supply", false, "")
	mustContain(t, e.say("supply.crew", "接单"), "您有 2 件投诉可以「接单」", c2.Number, c3.Number)
	mustContain(t, e.say("supply.crew", "措施 调整减压阀"), "已提交投诉 "+c1.Number) // only c1 is accepted
	mustContain(t, e.say("leader.b", "批准"), "已批准投诉 "+c1.Number)
	mustContain(t, e.say("leader.a", "批准"), "您没有可以「批准」的投诉")
	mustContain(t, e.say("supply.crew", "待办"), "待办投诉 3 件")
	mustContain(t, e.say("leader.b", "待办"), "没有待办")
}

func TestWeComCardClickUpdatesTheCardForEveryone(t *testing.T) {
	e := newEnv(t)
	c := e.file("quality", false, "")
	u := bot.Update{Platform: bot.PlatformWeCom, Kind: bot.KindEvent, SenderID: "quality.crew", Event: "card_click",
		EventKey: Key(ActAccept, c.Number, 0), TaskID: "task1", ResponseCode: "rc-123"}
	mustContain(t, e.do(u), "已接单")
	if updates := e.rowsOn(c, models.ChannelWeComCardUpdate); len(updates) != 1 || updates[0].Target != "rc-123" ||
		!strings.Contains(updates[0].msg.Card.Status, "接单") {
		t.Fatalf("card updates %+v", updates)
	}
	// The same click again (or a text command) writes no second update.
	e.do(u)
	e.say("quality.crew", "进展 "+c.Number+" 到场")
	if n := len(e.rowsOn(c, models.ChannelWeComCardUpdate)); n != 1 {
		t.Fatalf("card updates after repeat: %d", n)
	}
}

// rowsOn returns the case's outbox rows on channel.
func (e *env) rowsOn(c *models.Case, channel string) []row {
	var out []row
	for _, r := range e.outbox(c) {
		if r.Channel == channel {
			out = append(out, r)
		}
	}
	return out
}

func TestFlagPhoneCallTellsTheHotline(t *testing.T) {
	e := newEnv(t)
	c := e.file("supply", false, "o-silent")
	if err := e.svc.FlagPhoneCall(context.Background(), c.ID, "超过48小时未互动"); err != nil {
		t.Fatal(err)
	}
	if n := len(e.events(c, EventPhoneCall)); n != 1 {
		t.Fatalf("phone events %d", n)
	}
	rows := rowsTo(e.outbox(c), "hotline")
	if len(rows) != 1 || !strings.Contains(rows[0].msg.Text, c.Number) || !strings.Contains(rows[0].msg.Text, "电话联系") {
		t.Fatalf("hotline rows %+v", rows)
	}
	e.mustStatus(c, models.StatusAssigned)
}

// TestNoteWithoutNumberGoesToMyCase: 进展 without a number, with several
// cases of the department open for notes, goes to the one the sender
// accepted; with none or several of their own it asks for the number.
func TestNoteWithoutNumberGoesToMyCase(t *testing.T) {
	e := newEnv(t)
	mine := e.file("supply", false, "")
	theirs := e.file("supply", false, "")
	e.say("supply.crew", "接单 "+mine.Number)
	e.say("supply.head", "接单 "+theirs.Number)
	mustContain(t, e.say("supply.crew", "进展 已到现场查看"), mine.Number)
	if n := len(e.events(mine, ActNote)); n != 1 {
		t.Fatalf("my case has %d notes", n)
	}
	if n := len(e.events(theirs, ActNote)); n != 0 {
		t.Fatalf("the colleague's case got %d notes", n)
	}
	e.say("supply.crew", "接单 "+e.file("supply", false, "").Number)
	mustContain(t, e.say("supply.crew", "进展 又到现场"), "您有 3 件投诉可以「进展」")
}

// TestResidentToldWhatWasDone: the resident's "已处理完毕" quotes the
// completion report, not the plan; the hotline gets both, and the head is
// named once (供水股负责人, not 供水股供水股负责人).
func TestResidentToldWhatWasDone(t *testing.T) {
	e := newEnv(t)
	c := e.file("supply", false, "o-done")
	e.say("supply.crew", "接单 "+c.Number)
	e.say("supply.crew", "措施 "+c.Number+" 明天上午上门检修减压阀")
	e.say("leader.b", "批准 "+c.Number)
	e.resident("o-done", "接受")
	e.say("supply.crew", "完成 "+c.Number+" 已更换减压阀，复测水压0.3MPa")
	e.say("supply.head", "确认 "+c.Number)
	res := rowsTo(e.outbox(c), "resident")
	last := res[len(res)-1].msg.Text
	mustContain(t, last, "已处理完毕：已更换减压阀，复测水压0.3MPa")
	if strings.Contains(last, "检修减压阀") {
		t.Fatalf("the resident is told the plan: %q", last)
	}
	var hotline string
	for _, r := range e.outbox(c) {
		if strings.Contains(r.msg.Text, "处理结果反馈") {
			hotline = r.msg.Text
		}
	}
	mustContain(t, hotline, "处理措施：明天上午上门检修减压阀", "完成情况：已更换减压阀", "效果已由供水股负责人确认")
}

// TestAcceptShowsContactInPrivate: who accepts in their own chat reads the
// resident's phone in full and what they may do next; in a group nothing
// of it.
func TestAcceptShowsContactInPrivate(t *testing.T) {
	e := newEnv(t)
	c := e.file("supply", false, "")
	got := e.say("supply.crew", "接单 "+c.Number)
	mustContain(t, got, "13812345678", "张三丰", "幸福路12号", "下一步可以：进展、问、转派、措施、不属实。")
	g := e.file("supply", false, "")
	u := bot.Update{Platform: bot.PlatformWeComBot, Kind: bot.KindText, SenderID: "supply.crew", ChatType: "group",
		Text: "接单 " + g.Number}
	if got := e.do(u); !strings.Contains(got, "已接单") || strings.Contains(got, "1381234") {
		t.Fatalf("group reply %q", got)
	}
}

// TestDingTalkCardClickUpdatesTheCard: a DingTalk card click, like a WeCom
// one, updates the clicked card for everyone once the action is applied,
// on the DingTalk card channel (issue 17).
func TestDingTalkCardClickUpdatesTheCard(t *testing.T) {
	e := newEnv(t)
	c := e.file("quality", false, "")
	u := bot.Update{Platform: bot.PlatformDingTalk, Kind: bot.KindEvent, SenderID: "quality.crew", Event: "card_click",
		EventKey: Key(ActAccept, c.Number, 0), ResponseCode: "card:ot-123"}
	mustContain(t, e.do(u), "已接单")
	updates := e.rowsOn(c, models.ChannelDingTalkCard)
	if len(updates) != 1 || updates[0].Target != "card:ot-123" || !strings.Contains(updates[0].msg.Card.Status, "接单") {
		t.Fatalf("card updates %+v", updates)
	}
}
