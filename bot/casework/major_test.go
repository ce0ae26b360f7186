package casework

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"tapline/bot/address"
	"tapline/bot/calendar"
	"tapline/bot/remind"
	"tapline/models"
)

type nopArmer struct{}

func (nopArmer) Arm(context.Context, uint64, int, time.Time) error { return nil }

// newClockEnv is newEnv with the stage clocks and major alerts on.
func newClockEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	cal, err := calendar.Load("../../configs/calendar.txt")
	if err != nil {
		t.Fatal(err)
	}
	r := remind.New(remind.Plan{Policy: e.p, Calendar: cal}, e.db, e.db, address.Book{Policy: e.p, Direct: models.ChannelSink},
		nopArmer{}, e.enq, e.clock, slog.New(slog.DiscardHandler))
	e.svc = New(e.p, e.db, e.db, e.enq, e.clock, slog.New(slog.DiscardHandler), WithRemind(r), WithDirectChannel(models.ChannelSink))
	return e
}

func (e *env) deadlines(c *models.Case) map[string]string {
	e.t.Helper()
	dls, err := e.db.CaseDeadlines(context.Background(), c.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[string]string{}
	for _, d := range dls {
		out[d.Stage] = d.Status
	}
	return out
}

// TestStageClocksFollowTransitions: each transition stops its stage's
// clock and starts the next (PRODUCT D1).
func TestStageClocksFollowTransitions(t *testing.T) {
	e := newClockEnv(t)
	c := e.file("supply", false, "")
	if r := e.say("supply.crew", "接单 "+c.Number); !strings.Contains(r, "已接单") {
		t.Fatal(r)
	}
	if got := e.deadlines(c); got[models.StageMeasures] != models.DeadlineRunning {
		t.Fatalf("after accept: %v", got) // the filing's accept clock was not written by this fixture
	}
	e.say("supply.crew", "措施 "+c.Number+" 更换止回阀")
	got := e.deadlines(c)
	if got[models.StageMeasures] != models.DeadlineDone || got[models.StageApprove] != models.DeadlineRunning {
		t.Fatalf("after propose: %v", got)
	}
	e.say("leader.b", "驳回 "+c.Number+" 方案不具体") // back to accepted: a new measures clock
	dls, _ := e.db.CaseDeadlines(context.Background(), c.ID)
	if n := len(dls); n != 3 || dls[2].Stage != models.StageMeasures || dls[2].Status != models.DeadlineRunning {
		t.Fatalf("after reject: %d deadlines, last %+v", n, dls[n-1])
	}
}

// TestMajorCommands: 重大 flags a case with the criterion and alerts the
// leaders; crew cannot acknowledge; 已阅 and 已上报住建 stop their clocks;
// commands on ordinary cases are refused with the reason.
func TestMajorCommands(t *testing.T) {
	e := newClockEnv(t)
	c := e.file("supply", false, "")
	if r := e.say("supply.crew", "已阅 "+c.Number); !strings.Contains(r, "不是重大投诉") {
		t.Fatalf("ack on an ordinary case: %q", r)
	}
	if r := e.say("supply.crew", "重大 "+c.Number); !strings.Contains(r, "理由") {
		t.Fatalf("major without a reason: %q", r)
	}
	if r := e.say("supply.crew", "重大 "+c.Number+" 记者已到现场采访，电视台要曝光"); !strings.Contains(r, "媒体曝光") {
		t.Fatalf("major: %q", r)
	}
	got, _ := e.db.FindCaseByNumber(context.Background(), c.Number)
	if !got.Major || got.MajorReason != "media" || got.Urgent {
		t.Fatalf("case after 重大: %+v", got)
	}
	if e.deadlines(c)[models.StageMajorAck] != models.DeadlineRunning {
		t.Fatal("no acknowledgement clock")
	}
	rows := e.outbox(c)
	if len(rowsTo(rows, "leaders")) == 0 || len(rowsTo(rows, "gm")) != 1 || len(rowsTo(rows, "leader.b")) != 1 {
		t.Fatalf("alerts: leaders %d gm %d leader %d", len(rowsTo(rows, "leaders")), len(rowsTo(rows, "gm")), len(rowsTo(rows, "leader.b")))
	}
	if r := e.say("supply.crew", "重大 "+c.Number+" 再设一次"); !strings.Contains(r, "已是重大投诉") {
		t.Fatalf("second 重大: %q", r)
	}
	if r := e.say("supply.crew", "已阅 "+c.Number); !strings.Contains(r, "分管领导或总经理") {
		t.Fatalf("crew ack: %q", r)
	}
	if r := e.do(click("leader.b", "ack:"+c.Number)); !strings.Contains(r, "已阅重大投诉") {
		t.Fatalf("leader ack: %q", r)
	}
	if e.deadlines(c)[models.StageMajorAck] != models.DeadlineDone {
		t.Fatal("acknowledgement clock still running")
	}
	if r := e.say("leader.a", "已上报住建 "+c.Number); !strings.Contains(r, "已上报住建") {
		t.Fatalf("report without text: %q", r)
	}
	if r := e.say("leader.a", "已上报住建 "+c.Number+" 已报市住建局"); !strings.Contains(r, "已记录") {
		t.Fatalf("report: %q", r)
	}
	if evs := e.events(c, ActReport); len(evs) != 1 || !strings.Contains(evs[0].Text, "市住建局") {
		t.Fatalf("report events %+v", evs)
	}
	if r := e.say("gm", "重大清单"); !strings.Contains(r, c.Number) || !strings.Contains(r, "媒体曝光") {
		t.Fatalf("GM's list: %q", r)
	}
	if r := e.say("supply.crew", "重大清单"); !strings.Contains(r, "分管领导和总经理") {
		t.Fatalf("crew list: %q", r)
	}
	// From now on the GM approves (policy 4.2.7).
	e.say("supply.crew", "接单 "+c.Number)
	e.say("supply.crew", "措施 "+c.Number+" 连夜抢修")
	if r := e.say("leader.b", "批准 "+c.Number); !strings.Contains(r, "总经理") {
		t.Fatalf("leader approved a major case: %q", r)
	}
}

// closedCase walks a case to closed (policy 4.3.3, 3.1).
func (e *env) closedCase() *models.Case {
	e.t.Helper()
	c := e.file("supply", false, "")
	for _, step := range []struct{ who, text string }{
		{"supply.crew", "接单"}, {"supply.crew", "措施 更换止回阀"}, {"leader.b", "批准"},
		{"supply.crew", "居民接受 电话同意"}, {"supply.crew", "完成 已更换"}, {"supply.head", "确认"}, {"hotline.crew", "结案"},
	} {
		e.say(step.who, step.text+" "+c.Number)
	}
	e.mustStatus(c, models.StatusClosed)
	return c
}

// TestCallBacks: satisfied archives (read-only after); unreachable stays
// in the queue until three attempts; unsatisfied reopens to the
// department with the reason; outcomes on open cases are refused.
func TestCallBacks(t *testing.T) {
	e := newClockEnv(t)
	e.svc = New(e.p, e.db, e.db, e.enq, e.clock, slog.New(slog.DiscardHandler), WithRemind(e.svc.remind),
		WithDirectChannel(models.ChannelSink), WithAftercare(e.db, 3))
	open := e.file("supply", false, "")
	if r := e.say("hotline.crew", "回访 "+open.Number+" 满意"); !strings.Contains(r, "不能") && !strings.Contains(r, "状态") {
		t.Fatalf("call-back on an open case: %q", r)
	}
	c := e.closedCase()
	if got := e.deadlines(c); got[models.StageCallback] != models.DeadlineRunning {
		t.Fatalf("no call-back clock: %v", got)
	}
	if r := e.say("supply.crew", "回访 "+c.Number+" 满意"); !strings.Contains(r, "供水服务热线") {
		t.Fatalf("crew call-back: %q", r)
	}
	if r := e.say("hotline.crew", "回访 "+c.Number+" 很好"); !strings.Contains(r, "没看懂") {
		t.Fatalf("unknown outcome: %q", r)
	}
	if r := e.say("hotline.crew", "回访 "+c.Number+" 基本满意 希望以后提前通知"); !strings.Contains(r, "已归档") {
		t.Fatalf("satisfied: %q", r)
	}
	e.mustStatus(c, models.StatusArchived)
	if got := e.deadlines(c); got[models.StageCallback] != models.DeadlineDone {
		t.Fatalf("call-back clock after archive: %v", got)
	}
	if r := e.say("supply.crew", "进展 "+c.Number+" 补充一句"); !strings.Contains(r, "只读") {
		t.Fatalf("archived case changed: %q", r)
	}

	u := e.closedCase()
	for i := 1; i <= 3; i++ {
		r := e.say("hotline.crew", "回访 "+u.Number+" 联系不上")
		if want := map[bool]string{true: "已归档", false: "留在回访队列"}[i == 3]; !strings.Contains(r, want) {
			t.Fatalf("attempt %d: %q", i, r)
		}
	}
	cbs, _ := e.db.CallBacks(context.Background(), u.ID)
	if len(cbs) != 3 || cbs[2].Attempt != 3 || cbs[2].Outcome != models.OutcomeUnreachable {
		t.Fatalf("call-backs %+v", cbs)
	}

	r := e.closedCase()
	if rep := e.say("hotline.crew", "回访 "+r.Number+" 不满意"); !strings.Contains(rep, "原因") {
		t.Fatalf("unsatisfied without a reason: %q", rep)
	}
	if rep := e.say("hotline.crew", "回访 "+r.Number+" 不满意 水压还是很小"); !strings.Contains(rep, "重新交回部门") {
		t.Fatalf("unsatisfied: %q", rep)
	}
	e.mustStatus(r, models.StatusAccepted)
	if evs := e.events(r, "reopen"); len(evs) != 1 || !strings.Contains(evs[0].Text, "水压还是很小") {
		t.Fatalf("reopen events %+v", evs)
	}
	if got := e.deadlines(r); got[models.StageMeasures] != models.DeadlineRunning || got[models.StageCallback] != models.DeadlineDone {
		t.Fatalf("clocks after reopen: %v", got)
	}
	if todo := e.say("hotline.crew", "待办"); strings.Contains(todo, r.Number) || strings.Contains(todo, c.Number) {
		t.Fatalf("hotline queue lists done cases: %q", todo)
	}
}

func TestParseRating(t *testing.T) {
	for in, want := range map[string]int{"评价 5 很好": 5, "打分4": 4, "评分：3分 一般": 3, "5分": 5, "5分，师傅很负责": 5,
		"评价 9": -1, "5分钟前开始漏水": 0, "我家水很黄": 0, "评价": 0} {
		score, _, ok := parseRating(in)
		if !ok {
			score = 0
		} else if score > 5 {
			score = -1
		}
		if score != want {
			t.Errorf("parseRating(%q) = %d, want %d", in, score, want)
		}
	}
}

// TestResidentRating: the resident rates a finished case once; an open
// case, another resident's case and a second rating are refused politely.
func TestResidentRating(t *testing.T) {
	e := newClockEnv(t)
	e.svc = New(e.p, e.db, e.db, e.enq, e.clock, slog.New(slog.DiscardHandler), WithAftercare(e.db, 3))
	open := e.file("supply", false, "o-rater")
	if r := e.resident("o-rater", "评价 5"); !strings.Contains(r, "没有处理完成") {
		t.Fatalf("rating an open case: %q", r)
	}
	done := e.file("quality", false, "o-rater")
	if err := e.db.Gorm().Model(&models.Case{}).Where("id = ?", done.ID).Update("status", models.StatusConfirmed).Error; err != nil {
		t.Fatal(err)
	}
	if r := e.resident("o-rater", "评价 "+open.Number+" 5"); !strings.Contains(r, "还在处理中") {
		t.Fatalf("named open case: %q", r)
	}
	if r := e.resident("o-other", "评价 "+done.Number+" 1 差"); !strings.Contains(r, "没有找到您名下") {
		t.Fatalf("someone else's case: %q", r)
	}
	if r := e.resident("o-rater", "评价 6"); !strings.Contains(r, "1 到 5") {
		t.Fatalf("score 6: %q", r)
	}
	if r := e.resident("o-rater", "评价 4 师傅很负责"); !strings.Contains(r, "4 分") || !strings.Contains(r, done.Number) {
		t.Fatalf("rating: %q", r)
	}
	if r := e.resident("o-rater", "5分"); !strings.Contains(r, "已经评价过") {
		t.Fatalf("second rating: %q", r)
	}
	got, err := e.db.FindRating(context.Background(), done.ID)
	if err != nil || got.Score != 4 || got.Comment != "师傅很负责" {
		t.Fatalf("stored rating %+v %v", got, err)
	}
}
