package casework

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	const n = "TS20261127-0001"
	cases := []struct {
		in   string
		want Command
	}{
		{"接单 " + n, Command{Action: ActAccept, Number: n}},
		{"接单", Command{Action: ActAccept}},
		{"  接单　" + n + "  ", Command{Action: ActAccept, Number: n}},
		{"接单ＴＳ２０２６１１２７－０００１", Command{Action: ActAccept, Number: n}},
		{"@水务助手 接单 " + n, Command{Action: ActAccept, Number: n}},
		{"＠水务助手　接单 " + n, Command{Action: ActAccept, Number: n}},
		{"@水务助手接单 " + n, Command{Action: ActAccept, Number: n}},
		{"@小问 接单 " + n, Command{Action: ActAccept, Number: n}},
		{"@张三 @水务助手 受理 " + n, Command{Action: ActAccept, Number: n}},
		{n + " 接单", Command{Action: ActAccept, Number: n}},
		{"ts20261127-0001 接单", Command{Action: ActAccept, Number: n}},
		{"进展 " + n + " 已到现场，正在排查", Command{Action: ActNote, Number: n, Text: "已到现场，正在排查"}},
		{"进展：已到现场", Command{Action: ActNote, Text: "已到现场"}},
		{"进展 已联系居民 " + n, Command{Action: ActNote, Number: n, Text: "已联系居民"}},
		{"问 " + n + " 请问明天在家吗？", Command{Action: ActAsk, Number: n, Text: "请问明天在家吗？"}},
		{"问居民 哪天方便", Command{Action: ActAsk, Text: "哪天方便"}},
		{"转派 " + n + " 施工队 管道问题", Command{Action: ActTransfer, Number: n, Text: "施工队 管道问题"}},
		{"转交" + n + "，供水股，水压问题", Command{Action: ActTransfer, Number: n, Text: "供水股，水压问题"}},
		{"措施 " + n + " 更换水表并致歉", Command{Action: ActPropose, Number: n, Text: "更换水表并致歉"}},
		{"处理措施：退还多收水费", Command{Action: ActPropose, Text: "退还多收水费"}},
		{"不属实 " + n + " 读数正确", Command{Action: ActUnfounded, Number: n, Text: "读数正确"}},
		{"批准 " + n, Command{Action: ActApprove, Number: n}},
		{"批准 " + n + " v2", Command{Action: ActApprove, Number: n, Version: 2}},
		{"批准 " + n + " Ｖ３", Command{Action: ActApprove, Number: n, Version: 3}},
		{"同意 " + n + " 第2版", Command{Action: ActApprove, Number: n, Version: 2}},
		{"不同意 " + n + " 赔偿过高", Command{Action: ActReject, Number: n, Text: "赔偿过高"}},
		{"驳回 " + n + " v1，先上门核实", Command{Action: ActReject, Number: n, Version: 1, Text: "先上门核实"}},
		{"驳回", Command{Action: ActReject}},
		{"居民接受 " + n, Command{Action: ActResidentAccept, Number: n}},
		{"居民不接受 " + n + " 嫌赔偿少", Command{Action: ActResidentReject, Number: n, Text: "嫌赔偿少"}},
		{"完成 " + n + " 已更换", Command{Action: ActDone, Number: n, Text: "已更换"}},
		{"已完成", Command{Action: ActDone}},
		{"确认 " + n, Command{Action: ActConfirm, Number: n}},
		{"结案 " + n, Command{Action: ActClose, Number: n}},
		{"查 " + n, Command{Action: ActDetails, Number: n}},
		{"查询" + n, Command{Action: ActDetails, Number: n}},
		{"待办", Command{Action: ActTodo}},
		{"@水务助手 待办", Command{Action: ActTodo}},
		{"帮助", Command{Action: ActHelp}},
		{"HELP", Command{Action: ActHelp}},
		{"？", Command{Action: ActHelp}},
		{"你好", Command{}},
		{"@水务助手", Command{}},
		{"", Command{}},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			if got := Parse(tc.in); got != tc.want {
				t.Fatalf("Parse(%q) = %+v, want %+v", tc.in, got, tc.want)
			}
		})
	}
}

func TestParseKey(t *testing.T) {
	const n = "TS20261127-0001"
	cases := []struct {
		key  string
		want Command
	}{
		{"accept:" + n, Command{Action: ActAccept, Number: n, Button: true}},
		{"approve:" + n + ":v2", Command{Action: ActApprove, Number: n, Version: 2, Button: true}},
		{"reject:" + n + ":v1", Command{Action: ActReject, Number: n, Version: 1, Button: true}},
		{"confirm:" + n, Command{Action: ActConfirm, Number: n, Button: true}},
		{"approve:" + n + ":vx", Command{}},
		{"launch:" + n, Command{}},
		{"accept:nonsense", Command{}},
		{"accept", Command{}},
		// found by FuzzParseKey: the number must be the whole part
		{"accept:xxTS20261127-0001yy", Command{}},
		{"accept:" + n + "9999", Command{}},
	}
	for _, tc := range cases {
		if got := ParseKey(tc.key); got != tc.want {
			t.Errorf("ParseKey(%q) = %+v, want %+v", tc.key, got, tc.want)
		}
	}
	if got := ParseKey(Key(ActApprove, n, 4)); got.Version != 4 || got.Action != ActApprove {
		t.Fatalf("Key/ParseKey round trip: %+v", got)
	}
}

// TestParseLongMessages holds what FuzzParse found: every mention used to
// lower-case or scan the rest of the message, so a long message starting
// with "@" took minutes (Parse was quadratic in its length). These inputs
// parse in milliseconds now; the old code would not finish within the
// test timeout.
func TestParseLongMessages(t *testing.T) {
	const n = "TS20261127-0001"
	cases := []struct {
		name, in string
		want     Command
	}{
		{"many mentions", strings.Repeat("@ ", 100000) + "接单 " + n, Command{Action: ActAccept, Number: n}},
		{"long mention", "@" + strings.Repeat("A", 100000) + " 接单 " + n, Command{Action: ActAccept, Number: n}},
		{"long Han mention", "@" + strings.Repeat("水", 100000), Command{}},
		{"many numbered mentions", strings.Repeat("@"+n+" ", 20000) + "查 " + n, Command{Action: ActDetails, Number: n}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Parse(tc.in); got != tc.want {
				t.Fatalf("Parse = %+v, want %+v", got, tc.want)
			}
		})
	}
}
