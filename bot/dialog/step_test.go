package dialog

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"tapline/bot"
	"tapline/models"
)

var stepNow = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

// full is a draft with every slot filled (and the follow-up asked).
func full() Draft {
	return Draft{Key: "o1:k", ResidentID: "o1", Category: "water_quality", Name: "张三", Address: "幸福路12号",
		Phone: "13812345678", Details: "水发黄", Expectation: "尽快处理", FollowedUp: true}
}

// upTo is a draft with the slots before s filled.
func upTo(s State) Draft {
	d, f := Draft{Key: "o1:k", ResidentID: "o1", FollowedUp: true}, full()
	for _, slot := range Slots {
		if slot == s {
			break
		}
		d.set(slot, f.value(slot))
	}
	return d
}

type stepCase struct {
	name      string
	state     State // "" → no session yet
	draft     Draft
	fails     int // failures so far in state
	known     *Contact
	text      string
	wantState State // "" → no session afterwards
	wantKeys  []string
	wantAct   Action
	want      map[State]string
}

func stepCases() []stepCase {
	known := &Contact{Name: "张三", Phone: "13812345678", Address: "幸福路12号"}
	return []stepCase{
		{name: "greeting", text: "你好", wantKeys: []string{"start"}},
		{name: "want to complain", text: "我要投诉！", wantKeys: []string{"start"}},
		{name: "cancel without draft", text: "取消", wantKeys: []string{"no_draft"}},
		{name: "human without draft", text: "人工", wantKeys: []string{"human_hotline"}},
		{name: "confirm without draft (draft lost)", text: "确认", wantKeys: []string{"draft_lost"}},
		{name: "yes without draft is not a lost draft", text: "好的", wantState: StateDescribe, wantKeys: []string{"reask_describe"}},
		{name: "all in one", text: happyMessage, wantState: StateConfirm, wantKeys: []string{"ask_confirm"},
			want: map[State]string{StateName: "张三", StatePhone: "13812345678", StateAddress: "幸福路12号3栋", StateExpectation: "希望尽快处理"}},
		{name: "address and details, no category", text: "我家在幸福路12号3栋2单元，家里的事情一直没人管", wantState: StateCategory,
			wantKeys: []string{"ask_category"}, want: map[State]string{StateAddress: "幸福路12号3栋2单元", StateDetails: "家里的事情一直没人管"}},
		{name: "name after details", text: "水费多收了两百块，我是李女士", wantState: StateFollowup, wantKeys: []string{"followup_billing"},
			want: map[State]string{StateCategory: "billing", StateName: "李女士", StateDetails: "水费多收了两百块"}},
		{name: "emergency first", text: "家里水管爆了", wantState: StateAddress, wantKeys: []string{"emergency", keyResult, "ask_address"},
			wantAct: ActFileEmergency, want: map[State]string{StateCategory: "pipe_leak", StateDetails: "家里水管爆了"}},
		{name: "an outage is no emergency", text: "家里停水了，别人家都有水，今天早上开始的", wantState: StateName,
			wantKeys: []string{"ask_name"}, want: map[State]string{StateCategory: "water_pressure"}},
		{name: "vague billing gets its follow-up", text: "水费账单估算得特别高", wantState: StateFollowup,
			wantKeys: []string{"followup_billing"}, want: map[State]string{StateCategory: "billing"}},
		{name: "spaced mobile in free text", text: "本人王五 手机 139 1234 5678 小区门口水管漏水好几天了", wantState: StateAddress,
			wantKeys: []string{"ask_address"}, want: map[State]string{StateName: "王五", StatePhone: "13912345678", StateCategory: "pipe_leak"}},
		{name: "returning resident offered", known: known, text: "水表不走了", wantState: StateOffer, wantKeys: []string{"ask_offer"}},
		{name: "menu number", state: StateCategory, draft: upTo(StateCategory), text: "3", wantState: StateName,
			wantKeys: []string{"ask_name"}, want: map[State]string{StateCategory: "pipe_leak"}},
		{name: "menu nonsense", state: StateCategory, draft: upTo(StateCategory), text: "不知道", wantState: StateCategory,
			wantKeys: []string{"reask_category"}},
		{name: "not a name", state: StateName, draft: upTo(StateName), text: "好的", wantState: StateName, wantKeys: []string{"reask_name"}},
		{name: "surname only", state: StateName, draft: upTo(StateName), text: "我姓赵", wantState: StateAddress,
			wantKeys: []string{"ask_address"}, want: map[State]string{StateName: "赵"}},
		{name: "name and phone", state: StateName, draft: upTo(StateName), text: "张三 13812345678", wantState: StateAddress,
			wantKeys: []string{"ask_address"}, want: map[State]string{StateName: "张三", StatePhone: "13812345678"}},
		{name: "address for name", state: StateName, draft: upTo(StateName), text: "幸福路12号", wantState: StateName,
			wantKeys: []string{"ask_name"}, want: map[State]string{StateAddress: "幸福路12号", StateName: ""}},
		{name: "no address", state: StateAddress, draft: upTo(StateAddress), text: "不知道", wantState: StateAddress, wantKeys: []string{"reask_address"}},
		{name: "address in a sentence", state: StateAddress, draft: upTo(StateAddress), text: "就在阳光小区5栋1单元", wantState: StatePhone,
			wantKeys: []string{"ask_phone"}, want: map[State]string{StateAddress: "阳光小区5栋1单元"}},
		{name: "short mobile", state: StatePhone, draft: upTo(StatePhone), text: "1381234567", wantState: StatePhone, wantKeys: []string{"reask_phone"}},
		{name: "third bad phone", state: StatePhone, draft: upTo(StatePhone), fails: 2, text: "abc", wantState: StatePhone,
			wantKeys: []string{"reask_phone", "giveup"}},
		{name: "+86 mobile", state: StatePhone, draft: upTo(StatePhone), text: "+86 138-1234-5678", wantState: StateDetails,
			wantKeys: []string{"ask_details"}, want: map[State]string{StatePhone: "13812345678"}},
		{name: "landline", state: StatePhone, draft: upTo(StatePhone), text: "座机０５７１－８８８８６６６６", wantState: StateDetails,
			wantKeys: []string{"ask_details"}, want: map[State]string{StatePhone: "0571-88886666"}},
		{name: "filler for details", state: StateDetails, draft: upTo(StateDetails), text: "嗯嗯嗯", wantState: StateDetails, wantKeys: []string{"ask_details"}},
		{name: "details", state: StateDetails, draft: upTo(StateDetails), text: "水表走得特别快，一个月走了50吨", wantState: StateExpectation,
			wantKeys: []string{"ask_expectation"}, want: map[State]string{StateDetails: "水表走得特别快，一个月走了50吨"}},
		{name: "no expectation", state: StateExpectation, draft: upTo(StateExpectation), text: "都行", wantState: StateConfirm,
			wantKeys: []string{"ask_confirm"}, want: map[State]string{StateExpectation: "无"}},
		{name: "不用了 is no expectation", state: StateExpectation, draft: upTo(StateExpectation), text: "不用了", wantState: StateConfirm,
			wantKeys: []string{"ask_confirm"}, want: map[State]string{StateExpectation: "无"}},
		{name: "expectation", state: StateExpectation, draft: upTo(StateExpectation), text: "希望退还多收的水费", wantState: StateConfirm,
			wantKeys: []string{"ask_confirm"}, want: map[State]string{StateExpectation: "希望退还多收的水费"}},
		{name: "confirm ok", state: StateConfirm, draft: full(), text: "OK", wantState: StateConfirm, wantKeys: []string{keyResult}, wantAct: ActFile},
		{name: "confirm 没问题", state: StateConfirm, draft: full(), text: "没问题。", wantState: StateConfirm, wantKeys: []string{keyResult}, wantAct: ActFile},
		{name: "read-back wrong", state: StateConfirm, draft: full(), text: "不对", wantState: StateWhich, wantKeys: []string{"ask_which"}},
		{name: "read-back unclear", state: StateConfirm, draft: full(), text: "啥意思", wantState: StateConfirm, wantKeys: []string{"reask_confirm"}},
		{name: "read-back direct fix", state: StateConfirm, draft: full(), text: "电话改成13912345678", wantState: StateConfirm,
			wantKeys: []string{"updated", "ask_confirm"}, want: map[State]string{StatePhone: "13912345678"}},
		{name: "which by number", state: StateWhich, draft: full(), text: "3", wantState: StateAddress, wantKeys: []string{"fix"}},
		{name: "which by name", state: StateWhich, draft: full(), text: "电话", wantState: StatePhone, wantKeys: []string{"fix"}},
		{name: "correction mid-way", state: StateName, draft: upTo(StateName), text: "地址写错了", wantState: StateAddress, wantKeys: []string{"fix"}},
		{name: "offer yes", state: StateOffer, draft: upTo(StateName), known: known, text: "是", wantState: StateDetails,
			wantKeys: []string{"ask_details"}, want: map[State]string{StateName: "张三", StateAddress: "幸福路12号"}},
		{name: "offer no", state: StateOffer, draft: upTo(StateName), known: known, text: "不用", wantState: StateName, wantKeys: []string{"ask_name"}},
		{name: "offer answered", state: StateOffer, draft: upTo(StateName), known: known, text: "王五", wantState: StateAddress,
			wantKeys: []string{"ask_address"}, want: map[State]string{StateName: "王五"}},
		{name: "cancel", state: StatePhone, draft: upTo(StatePhone), text: "算了，不投诉了", wantKeys: []string{"cancelled"}},
		{name: "restart", state: StatePhone, draft: upTo(StatePhone), text: "重来", wantState: StateDescribe,
			wantKeys: []string{"restarted"}, want: map[State]string{StateName: ""}},
		{name: "query mid-draft", state: StateName, draft: upTo(StateName), text: "我的投诉", wantState: StateName,
			wantKeys: []string{keyResult, "ask_name"}, wantAct: ActQuery},
		{name: "case number", text: "ts20261127-0042", wantKeys: []string{keyResult}, wantAct: ActShowCase},
		{name: "emergency complete", state: StateConfirm, draft: Draft{Key: "o1:k", ResidentID: "o1", Category: "pipe_leak",
			Name: "张三", Address: "幸福路12号", Phone: "13812345678", Details: "爆管", Expectation: "无", Emergency: "burst_main",
			Number: "TS1"}, text: "确认", wantState: StateConfirm, wantKeys: []string{keyResult}, wantAct: ActSupplement},
		{name: "third menu failure goes to other", state: StateCategory, draft: upTo(StateCategory), fails: 2, text: "不知道",
			wantState: StateName, wantKeys: []string{"category_other", "ask_name"}, want: map[State]string{StateCategory: "other"}},
		{name: "menu answer with a name only", state: StateCategory, draft: upTo(StateCategory), text: "我叫张三", wantState: StateCategory,
			wantKeys: []string{"reask_category"}, want: map[State]string{StateName: "张三"}},
		{name: "bare road is no address", state: StateAddress, draft: upTo(StateAddress), text: "人民路", wantState: StateAddress,
			wantKeys: []string{"reask_address"}},
		{name: "more precise address later", state: StatePhone, draft: upTo(StatePhone), text: "幸福路12号3栋2单元", wantState: StatePhone,
			wantKeys: []string{"updated", "ask_phone"}, want: map[State]string{StateAddress: "幸福路12号3栋2单元"}},
		{name: "voice-typed full-width phone", state: StatePhone, draft: upTo(StatePhone), text: "我的电话是：１５０　１２３４　５６７８。",
			wantState: StateDetails, wantKeys: []string{"ask_details"}, want: map[State]string{StatePhone: "15012345678"}},
		// found by FuzzStep: NUL and other control characters were stored
		{name: "control characters in an answer", state: StateExpectation, draft: upTo(StateExpectation), text: "希望\x00尽快\x07处理\x00",
			wantState: StateConfirm, wantKeys: []string{"ask_confirm"}, want: map[State]string{StateExpectation: "希望尽快处理"}},
		{name: "emergency mid-draft", state: StatePhone, draft: upTo(StatePhone), text: "门口井盖没了，很危险", wantState: StatePhone,
			wantKeys: []string{"emergency", keyResult, "ask_phone"}, wantAct: ActFileEmergency, want: map[State]string{StateCategory: "pipe_leak"}},
	}
}

func mustTexts(tb testing.TB) *Texts {
	tb.Helper()
	texts, err := LoadTexts("../../configs/dialog.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	return texts
}

func TestStepTable(t *testing.T) {
	env := Env{Policy: mustPolicy(t), Followups: mustTexts(t).Followups(), TTL: DefaultTTL, Pause: DefaultPause}
	for _, tc := range stepCases() {
		t.Run(tc.name, func(t *testing.T) {
			var s *Session
			if tc.state != "" {
				s = &Session{ResidentID: "o1", State: tc.state, Draft: tc.draft, Known: tc.known,
					Fails: map[State]int{tc.state: tc.fails}, Offered: tc.state == StateOffer,
					UpdatedAt: stepNow.Add(-time.Minute), Version: 7}
			}
			before, _ := json.Marshal(s)
			in := Input{Update: bot.Update{Kind: bot.KindText, SenderID: "o1", Text: tc.text}, Now: stepNow, Key: "o1:new", Known: tc.known}
			out := Step(env, s, in)
			if after, _ := json.Marshal(s); string(after) != string(before) {
				t.Fatal("Step changed its input session")
			}
			var keys []string
			for _, m := range out.Msgs {
				keys = append(keys, m.Key)
			}
			if !reflect.DeepEqual(keys, tc.wantKeys) {
				t.Errorf("keys %v, want %v", keys, tc.wantKeys)
			}
			if out.Action != tc.wantAct {
				t.Errorf("action %v, want %v", out.Action, tc.wantAct)
			}
			checkOutcome(t, out, tc, s)
		})
	}
}

func checkOutcome(t *testing.T, out Outcome, tc stepCase, in *Session) {
	t.Helper()
	if tc.wantState == "" {
		if out.Op == OpSave {
			t.Fatalf("session saved in %s, want none", out.Session.State)
		}
		return
	}
	if out.Op == OpKeep && in != nil {
		if in.State != tc.wantState {
			t.Errorf("session kept in %s, want %s", in.State, tc.wantState)
		}
		return
	}
	if out.Op != OpSave || out.Session == nil {
		t.Fatalf("op %v, want save", out.Op)
	}
	if out.Session.State != tc.wantState {
		t.Errorf("state %s, want %s", out.Session.State, tc.wantState)
	}
	if !out.Session.UpdatedAt.Equal(stepNow) {
		t.Errorf("UpdatedAt %v", out.Session.UpdatedAt)
	}
	if in != nil && out.Session.Version != in.Version {
		t.Errorf("version %d, want the loaded %d", out.Session.Version, in.Version)
	}
	for slot, v := range tc.want {
		if got := out.Session.Draft.value(slot); got != v {
			t.Errorf("%s = %q, want %q", slot, got, v)
		}
	}
}

func TestSessionJSONRoundTrip(t *testing.T) {
	s := &Session{ResidentID: "o1", State: StatePhone, Draft: full(), Fails: map[State]int{StatePhone: 2},
		Known: &Contact{Name: "张三"}, Offered: true, UpdatedAt: stepNow, Version: 3}
	s.Draft.Attachments = append(s.Draft.Attachments, models.Attachment{Kind: "image", MediaID: "m1", URL: "http://x"})
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var got Session
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&got, s) {
		t.Fatalf("round trip\n got %+v\nwant %+v", got, s)
	}
}

func TestMajorIgnoresPhoneDigits(t *testing.T) {
	env := Env{Policy: mustPolicy(t), TTL: DefaultTTL}
	tests := []struct{ text, want string }{
		{"水费多收了，电话15012345678", ""},
		{"水费多收了，我已经打过12345了", "government"},
		{"再不处理我就找记者曝光", "media"},
		{"水表坏了，我要起诉你们", "legal"},
	}
	for _, tt := range tests {
		in := Input{Update: bot.Update{Kind: bot.KindText, SenderID: "o1", Text: tt.text}, Now: stepNow, Key: "o1:k"}
		if got := Step(env, nil, in).Session.Draft.Major; got != tt.want {
			t.Errorf("%q: major %q, want %q", tt.text, got, tt.want)
		}
	}
}
