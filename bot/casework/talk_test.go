package casework

import (
	"context"
	"strings"
	"testing"
	"time"

	"tapline/bot/dialog"
	"tapline/models"
)

// TestResidentTalksAboutTheCase: what a resident says about an open case
// goes on its timeline and to its department; measures are answered as
// 接受 / 不接受 would (policy 4.3.2); nothing of another resident's case is
// reachable.
func TestResidentTalksAboutTheCase(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.file("supply", false, "o-talk")
	if err := e.svc.Relay(ctx, "o-talk", c.Number, dialog.RelayInquiry, "到底什么时候来水？", ""); err != nil {
		t.Fatal(err)
	}
	if evs := e.events(c, EventResidentInquiry); len(evs) != 1 || evs[0].Text != "到底什么时候来水？" || evs[0].Role != roleResident {
		t.Fatalf("inquiry events %+v", evs)
	}
	dept := rowsTo(e.outbox(c), "supply")
	if len(dept) != 1 || !strings.Contains(dept[0].msg.Text, "居民询问进度（投诉 "+c.Number) {
		t.Fatalf("department told %+v", dept)
	}
	if err := e.svc.Relay(ctx, "o-talk", c.Number, dialog.RelayRemark, "[照片]", "http://img/1"); err != nil {
		t.Fatal(err)
	}
	if evs := e.events(c, EventResidentRemark); len(evs) != 1 || !strings.Contains(evs[0].Text, "http://img/1") {
		t.Fatalf("remark events %+v", evs)
	}
	e.mustStatus(c, models.StatusAssigned)
	if err := e.svc.Relay(ctx, "o-other", c.Number, dialog.RelayQuestion, "?", ""); models.ErrorCode(err) != models.ENOTFOUND {
		t.Fatalf("another resident relayed: %v", err)
	}

	e.say("supply.crew", "接单 "+c.Number)
	e.say("supply.crew", "措施 "+c.Number+" 更换减压阀")
	e.say("leader.b", "批准 "+c.Number)
	cases, err := e.svc.TalkCases(ctx, "o-talk")
	if err != nil || len(cases) != 1 || cases[0].Measure != "更换减压阀" || cases[0].Department != "供水股" {
		t.Fatalf("talk cases %+v %v", cases, err)
	}
	if done, err := e.svc.Answer(ctx, "o-talk", c.Number, true, ""); err != nil || !done {
		t.Fatalf("answer: %v %v", done, err)
	}
	e.mustStatus(c, models.StatusAgreed)
	if done, err := e.svc.Answer(ctx, "o-talk", c.Number, true, ""); err != nil || done {
		t.Fatalf("a second answer: %v %v", done, err)
	}
}

func TestResidentRatesAFinishedCase(t *testing.T) {
	e := newEnv(t)
	e.svc = New(e.p, e.db, e.db, e.enq, e.clock, e.svc.log, WithAftercare(e.db, 3))
	ctx := context.Background()
	c := e.file("supply", false, "o-rate")
	if err := e.svc.Rate(ctx, "o-rate", c.Number, 5, "很满意"); models.ErrorCode(err) != models.EINVALID {
		t.Fatalf("rated an open case: %v", err)
	}
	e.say("supply.crew", "接单 "+c.Number)
	e.say("supply.crew", "措施 "+c.Number+" 上门调压")
	e.say("leader.b", "批准 "+c.Number)
	e.resident("o-rate", "接受")
	e.say("supply.crew", "完成 "+c.Number)
	if err := e.svc.Rate(ctx, "o-rate", c.Number, 5, "很满意"); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Rate(ctx, "o-rate", c.Number, 4, ""); models.ErrorCode(err) != models.ECONFLICT {
		t.Fatalf("rated twice: %v", err)
	}
	e.clock.Add(31 * 24 * time.Hour)
	e.say("supply.head", "确认 "+c.Number)
	if cases, _ := e.svc.TalkCases(ctx, "o-rate"); len(cases) != 1 {
		t.Fatalf("a confirmed case is still talked about: %d", len(cases))
	}
}
