package dialog

import (
	"context"
	"strings"
	"sync"
	"testing"

	"tapline/models"
)

func views(statuses ...string) []CaseView {
	var out []CaseView
	for i, st := range statuses {
		c := &models.Case{Number: "TS20261127-000" + string(rune('1'+i)), ResidentID: "o1", Status: st, Category: "water_pressure"}
		v := CaseView{Case: c, Department: "供水股"}
		if st == models.StatusNegotiating {
			v.Measure = "上门更换水表"
		}
		out = append(out, v)
	}
	return out
}

// TestReadTalk: a message of a resident with an open case is read as
// what it is about that case; only a new problem goes to the intake.
func TestReadTalk(t *testing.T) {
	p := mustPolicy(t)
	open, neg, done := views(models.StatusAccepted), views(models.StatusNegotiating), views(models.StatusConfirmed)
	tests := []struct {
		cases []CaseView
		text  string
		want  talkKind
	}{
		{open, "进度怎么样了", talkProgress},
		{open, "到底什么时候来水？", talkProgress},
		{open, "都一天了，能不能快点", talkProgress},
		{open, "今天早上放出来的水更少了", talkRemark},
		{open, "我电话换了，以后打这个13912340120", talkRemark},
		{open, "周六上午都在家吗？", talkQuestion},
		{open, "好的，谢谢你们", talkThanks},
		{open, "有人在吗", talkHello},
		{open, "另外还有个事，上次去营业厅交费，工作人员态度很差", talkNone},
		{open, "我家水表的玻璃碎了，要换一个新的水表", talkNone}, // another kind of problem, said in full
		{open, "楼下马路上的大水管爆了，水喷得好高", talkNone},  // a new emergency: guidance at once
		{open, "我的投诉", talkNone},
		{open, "确认", talkAck},         // a second 确认: where the case stands, nothing relayed
		{open, "算了，不投诉了", talkRemark}, // the department hears it with the case
		{open, "人工", talkNone},
		{neg, "换啥啊？说清楚点", talkQuestion},
		{neg, "行吧 可以", talkAccept},
		{neg, "可以，就按这个办吧", talkAccept},
		{neg, "嗯", talkUnsure},
		{neg, "好", talkUnsure},
		{neg, "不行，200块太少了", talkReject},
		{done, "5分 很满意", talkRating},
		{done, "非常满意，谢谢师傅", talkRating},
		{done, "修好了，谢谢", talkThanks},
		{done, "水又没了，从早上开始一直没水", talkNone}, // finished: the same problem again is a new complaint
	}
	for _, tt := range tests {
		if got := readTalk(p, "text", tt.text, tt.cases); got.kind != tt.want {
			t.Errorf("readTalk(%q, %s) = %v, want %v", tt.text, tt.cases[0].Case.Status, got.kind, tt.want)
		}
	}
	if got := readTalk(p, "image", "", open); got.kind != talkRemark {
		t.Errorf("a photo after the filing: %v", got.kind)
	}
	if got := readTalk(p, "text", "5分 很满意", done); got.score != 5 {
		t.Errorf("score %d", got.score)
	}
}

// fakeDesk records what the conversation did on the cases.
type fakeDesk struct {
	mu      sync.Mutex
	cases   []CaseView
	relays  []string // kind:text
	answers []string // accept/reject:reason
	ratings []int
}

func (f *fakeDesk) TalkCases(context.Context, string) ([]CaseView, error) { return f.cases, nil }

func (f *fakeDesk) Relay(_ context.Context, _, _, kind, text, _ string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.relays = append(f.relays, kind+":"+text)
	return nil
}

func (f *fakeDesk) Answer(_ context.Context, _, _ string, accept bool, reason string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.answers = append(f.answers, map[bool]string{true: "accept", false: "reject"}[accept]+":"+reason)
	return true, nil
}

func (f *fakeDesk) Rate(_ context.Context, _, _ string, score int, _ string) error {
	f.ratings = append(f.ratings, score)
	return nil
}

func TestTalkAfterFiling(t *testing.T) {
	h := newHarness(t)
	desk := &fakeDesk{cases: views(models.StatusNegotiating)}
	WithCaseDesk(desk)(h.e)
	keys := func(reply string) []string { return h.e.texts.Recognise(reply) }
	if got := keys(h.say("o1", "进度怎么样了")); len(got) != 1 || got[0] != keyAfterStatus {
		t.Fatalf("progress: %v", got)
	}
	reply := h.say("o1", "嗯")
	if !strings.Contains(reply, "上门更换水表") || h.session("o1").State != StateMeasure {
		t.Fatalf("unsure assent is read back: %s", reply)
	}
	if got := keys(h.say("o1", "是的，可以")); got[0] != keyAfterAccepted || h.session("o1") != nil {
		t.Fatalf("yes to the read-back: %v", got)
	}
	h.say("o1", "不行，太慢了")
	if len(desk.answers) != 2 || desk.answers[0] != "accept:" || desk.answers[1] != "reject:不行，太慢了" {
		t.Fatalf("answers %v", desk.answers)
	}
	if len(desk.relays) != 1 || desk.relays[0] != "inquiry:进度怎么样了" || h.filer.count() != 0 {
		t.Fatalf("relays %v, filed %d", desk.relays, h.filer.count())
	}
	// A new problem starts a new complaint; the open case is not touched.
	if got := keys(h.say("o1", "另外我家水表不走了")); got[0] != "ask_name" {
		t.Fatalf("new problem: %v", got)
	}
}
