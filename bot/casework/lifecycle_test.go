package casework

import (
	"context"
	"strings"
	"testing"

	"tapline/models"
)

func TestLifecycleEndToEnd(t *testing.T) {
	e := newEnv(t, WithResidentChannel(models.ChannelWeChatCS))
	c := e.file("quality", false, "o-res1")
	steps := []struct {
		who, text, want, status string
	}{
		{"quality.crew", "@水务助手 接单 " + c.Number, "已接单", models.StatusAccepted},
		{"quality.crew", "进展 " + c.Number + " 已上门取样", "已记录", models.StatusAccepted},
		{"quality.crew", "措施 " + c.Number + " 冲洗管网并复检水质", "第 1 版措施", models.StatusMeasuresProposed},
		{"leader.b", "批准 " + c.Number, "已批准", models.StatusNegotiating}, // policy 3.9: leader.b covers quality
	}
	for _, s := range steps {
		mustContain(t, e.say(s.who, s.text), s.want)
		e.mustStatus(c, s.status)
	}
	mustContain(t, e.resident("o-res1", "满意，谢谢"), "感谢")
	e.mustStatus(c, models.StatusAgreed)
	mustContain(t, e.say("quality.crew", "完成 已冲洗复检合格"), "处理完成") // number inferred
	e.mustStatus(c, models.StatusResolved)
	mustContain(t, e.say("quality.crew", "确认 "+c.Number), "需要由水质检测室负责人") // policy 4.3.3
	mustContain(t, e.say("quality.head", "确认 "+c.Number), "已反馈供水服务热线")
	e.mustStatus(c, models.StatusConfirmed)
	mustContain(t, e.say("hotline.crew", "结案 "+c.Number), "已结案")
	e.mustStatus(c, models.StatusClosed)
	mustContain(t, e.say("quality.crew", "进展 "+c.Number+" 再看看"), "已结案，等待热线回访，不能再操作")

	rows := e.outbox(c)
	res := rowsTo(rows, "resident")
	if len(res) != 4 { // accepted, measures to accept, done, confirmed
		t.Fatalf("resident rows %d: %+v", len(res), res)
	}
	for _, r := range res {
		if r.Channel != models.ChannelWeChatCS || r.Target != "o-res1" || strings.Contains(r.msg.Text, "取样") {
			t.Fatalf("resident row %+v %q (internal notes must not reach the resident)", r.Outbox, r.msg.Text)
		}
	}
	mustContain(t, res[1].msg.Text, "冲洗管网并复检水质", "接受")
	hot := rowsTo(rows, "hotline")
	if len(hot) != 1 || !strings.Contains(hot[0].msg.Text, "冲洗管网并复检水质") {
		t.Fatalf("hotline feedback rows: %+v", hot)
	}
	for _, typ := range []string{ActAccept, ActNote, ActPropose, ActApprove, ActResidentAccept, ActDone, ActConfirm, ActClose} {
		if evs := e.events(c, typ); len(evs) != 1 {
			t.Fatalf("events %s: %d", typ, len(evs))
		}
	}
	ev := e.events(c, ActResidentAccept)[0]
	if ev.Role != "resident" || ev.Actor != "o-res1" || ev.Channel != "wechat" || ev.FromStatus != models.StatusNegotiating {
		t.Fatalf("resident event %+v", ev)
	}
	if len(e.enq.ids) != len(rows) {
		t.Fatalf("enqueued %d of %d rows", len(e.enq.ids), len(rows))
	}
}

func TestApprovalRequestCardAndRoles(t *testing.T) {
	e := newEnv(t)
	ordinary := e.file("business", false, "o-a")
	major := e.file("business", true, "o-b")
	for _, c := range []*models.Case{ordinary, major} {
		e.say("business.crew", "接单 "+c.Number)
		e.say("business.crew", "措施 "+c.Number+" 退还多收水费并致歉")
	}
	rows := e.outbox(ordinary)
	direct := rowsTo(rows, "leader.a")
	if len(direct) != 1 || direct[0].Channel != models.ChannelWeComApp || direct[0].Target != "leader.a" {
		t.Fatalf("approver row: %+v", direct)
	}
	card := direct[0].msg.Card
	if card == nil || len(card.Buttons) != 2 || card.Buttons[0].Key != "approve:"+ordinary.Number+":v1" ||
		card.Buttons[1].Key != "reject:"+ordinary.Number+":v1" || card.Phone != "138****5678" {
		t.Fatalf("approval card %+v", card)
	}
	if len(rowsTo(rows, "leaders")) != 1 || len(rowsTo(e.outbox(major), "gm")) != 1 {
		t.Fatal("approval request must go to the leaders group and the approver (GM for major)")
	}
	cases := []struct {
		name, who string
		c         *models.Case
		want      string
		status    string
	}{
		{"crew cannot approve", "business.crew", ordinary, "分管营业部的领导（分管领导甲）", models.StatusMeasuresProposed},
		{"head cannot approve", "business.head", ordinary, "需要由", models.StatusMeasuresProposed},
		{"leader of another department", "leader.b", ordinary, "需要由", models.StatusMeasuresProposed},
		{"gm does not approve ordinary", "gm", ordinary, "需要由", models.StatusMeasuresProposed},
		{"leader cannot approve major", "leader.a", major, "总经理", models.StatusMeasuresProposed},
		{"leader in charge approves ordinary", "leader.a", ordinary, "已批准", models.StatusNegotiating},
		{"gm approves major", "gm", major, "已批准", models.StatusNegotiating},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mustContain(t, e.say(tc.who, "批准 "+tc.c.Number), tc.want)
			e.mustStatus(tc.c, tc.status)
		})
	}
	as, _ := e.db.Approvals(context.Background(), major.ID)
	if len(as) != 1 || as[0].Approver != "gm" || as[0].Role != "gm" || as[0].MeasureVersion != 1 || as[0].Decision != models.DecisionApprove {
		t.Fatalf("approvals %+v", as)
	}
}
