package casework

import (
	"fmt"
	"strings"
	"testing"

	"tapline/bot/policy"
)

// TestRegistryAgrees: every surface derived from specs agrees with them —
// the parser reads each example back as its action, each word belongs to
// one command, help shows each command to the roles its rule admits, and
// a command that needs a text is refused without one with its example.
func TestRegistryAgrees(t *testing.T) {
	seen := map[string]string{}
	crew := Actor{Role: policy.RoleCrew, Dept: "supply"}
	for _, sp := range specs {
		if got := Parse(sp.Usage); got.Action != sp.Action {
			t.Errorf("%s: its example %q parses as %q", sp.Action, sp.Usage, got.Action)
		}
		for _, w := range sp.Words {
			if other, dup := seen[w]; dup {
				t.Errorf("word %q belongs to %s and %s", w, other, sp.Action)
			}
			seen[w] = sp.Action
			if got := Parse(w + " TS20261127-0001 说明"); got.Action != sp.Action {
				t.Errorf("word %q parses as %q, want %s", w, got.Action, sp.Action)
			}
		}
		if sp.Rule != nil && (actionNames[sp.Action] != sp.Name() || table[sp.Action].To != sp.Rule.To) {
			t.Errorf("%s: derived table or name disagrees", sp.Action)
		}
		if sp.NeedsText() {
			msg := missingText(Command{Action: sp.Action, Number: "TS20261204-0007"})
			if !strings.Contains(msg, sp.Needs) || !strings.Contains(msg, "TS20261204-0007") {
				t.Errorf("%s without text: %q", sp.Action, msg)
			}
		} else if msg := missingText(Command{Action: sp.Action}); msg != "" {
			t.Errorf("%s needs no text but is refused: %q", sp.Action, msg)
		}
		if sp.Rule != nil && roleCanEver(crew, sp) != strings.Contains(helpText(crew), sp.Usage) {
			t.Errorf("%s: help for crew disagrees with who may take it", sp.Action)
		}
	}
	if got := Transitions(); len(got) != len(table) || len(transitionOrder) != len(table) {
		t.Errorf("%d transitions, %d in the table", len(got), len(table))
	}
}

// TestShortMeasureRefused: a measure of a word is refused with what a
// measure must say (what, when, who) and an example with the number.
func TestShortMeasureRefused(t *testing.T) {
	for _, text := range []string{"措施 TS20261127-0003 换", "措施 TS20261127-0003 换表", "措施 TS20261127-0003"} {
		msg := missingText(Parse(text))
		for _, want := range []string{"做什么、什么时候、由谁来做", "措施 TS20261127-0003 "} {
			if !strings.Contains(msg, want) {
				t.Errorf("%q: %q lacks %q", text, msg, want)
			}
		}
	}
	if msg := missingText(Parse("措施 TS20261127-0003 明天上午上门更换水表")); msg != "" {
		t.Errorf("a whole measure refused: %q", msg)
	}
}

// typos are commands as staff mistype them on a phone, with the command
// they meant ("" = no guess is right).
var typos = []struct{ text, want string }{
	{"接丹 TS20261127-0001", "接单"}, {"接淡", "接单"}, {"按单 TS20261127-0001", "接单"},
	{"进长 已到现场", "进展"}, {"近展 已到现场", "进展"}, {"进站 TS20261127-0001 到了", "进展"},
	{"措失 明天上午更换水表", "措施"}, {"错施 TS20261127-0001 明天换表", "措施"}, {"处理错施 换表", "措施"},
	{"完城 TS20261127-0001", "完成"}, {"已完城", "完成"}, {"完车 已修好", "完成"},
	{"转排 TS20261127-0001 施工队 管道", "转派"}, {"专派 施工队", "转派"},
	{"待半", "待办"}, {"代办", "待办"}, {"我的代办", "待办"},
	{"不属食 读数正确", "不属实"}, {"不数实 读数正确", "不属实"},
	{"居民接收 TS20261127-0001", "居民接受"}, {"居民不接收", "居民不接受"},
	{"重打 TS20261127-0001 媒体曝光", "重大"}, {"备住 已电话联系", "进展"},
	{"帮主", "帮助"}, {"茶看 TS20261127-0001", "查"}, {"详请 TS20261127-0001", "查"},
	{"今天天气不错", ""}, {"好的收到", ""}, {"谢谢", ""}, {"👍", ""},
}

// TestDidYouMean: an unknown command is answered with the nearest command
// of the registry (not the whole help); prints the corpus's accuracy.
func TestDidYouMean(t *testing.T) {
	crew := Actor{Role: policy.RoleCrew, Dept: "supply"}
	right := 0
	for _, tc := range typos {
		got := ""
		if sp, ok := nearest(crew, head(stripMention(Normalize(numberRe.ReplaceAllString(tc.text, ""))))); ok {
			got = sp.Name()
		}
		if got == tc.want {
			right++
		} else {
			t.Logf("%q: guessed %q, meant %q", tc.text, got, tc.want)
		}
	}
	acc := 100 * float64(right) / float64(len(typos))
	fmt.Printf("did-you-mean corpus: %d/%d right (%.0f %%)\n", right, len(typos), acc)
	if acc < 90 {
		t.Errorf("accuracy %.0f %% < 90 %%", acc)
	}
	msg := notUnderstood(crew, "接丹 TS20261127-0009")
	if !strings.Contains(msg, "您是不是想：「接单」") || !strings.Contains(msg, "接单 TS20261127-0009") || strings.Contains(msg, "可用指令") {
		t.Errorf("reply %q", msg)
	}
	if msg := notUnderstood(crew, "台帐 2026-11"); strings.Contains(msg, "台账") {
		t.Errorf("a leaders' command suggested to crew: %q", msg)
	}
	leader := Actor{Role: policy.RoleLeader}
	if msg := notUnderstood(leader, "台帐 2026-11"); !strings.Contains(msg, "「台账」") {
		t.Errorf("leader: %q", msg)
	}
	for _, tc := range typos {
		if a := Parse(tc.text).Action; a != "" {
			t.Errorf("typo %q parses as %s: it tests nothing", tc.text, a)
		}
	}
}
