package dingtalk

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"tapline/bot"
)

// fixtureCard is the shared task card used by the converter tests.
func fixtureCard() *bot.Card {
	return &bot.Card{
		Title:      "停水投诉",
		CaseNumber: "TS20240501-0007",
		Category:   "停水",
		Department: "供水管网所",
		Major:      true,
		MajorWhy:   "涉及200户以上",
		Name:       "张**",
		Phone:      "138****5678",
		Address:    "幸福路12号3栋",
		Summary:    "从早上8点起停水，没有通知",
		Expect:     "尽快恢复供水",
		At:         time.Date(2024, 5, 1, 2, 30, 0, 0, time.UTC),
		URL:        "https://tapline.example.com/cases/TS20240501-0007",
	}
}

func TestCardMarkdown(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(c *bot.Card)
		title   string
		want    []string
		notWant []string
	}{
		{
			name:  "major card",
			title: "【重大】停水投诉 TS20240501-0007",
			want: []string{
				"### <font color=#FF0000>【重大】</font>停水投诉\n\n",
				"- **工单号**：TS20240501-0007\n", "- **类别**：停水\n", "- **责任部门**：供水管网所\n",
				"- **重大原因**：涉及200户以上\n", "- **反映人**：张＊＊\n", "- **电话**：138＊＊＊＊5678\n",
				"- **地址**：幸福路12号3栋\n", "- **时间**：2024-05-01 10:30\n",
				"**诉求**：从早上8点起停水，没有通知\n\n", "**期望**：尽快恢复供水\n\n",
				"[查看详情](https://tapline.example.com/cases/TS20240501-0007)",
			},
		},
		{
			name:    "ordinary card without url",
			edit:    func(c *bot.Card) { c.Major, c.URL, c.Title = false, "", "" },
			title:   "新工单 TS20240501-0007",
			want:    []string{"### 新工单\n"},
			notWant: []string{"【重大】", "重大原因", "查看详情"},
		},
		{
			name:    "markup from the resident is neutralised",
			edit:    func(c *bot.Card) { c.Summary = "**急** <b>x</b> [点我](http://x)\n# 标题" },
			title:   "【重大】停水投诉 TS20240501-0007",
			want:    []string{"**诉求**：＊＊急＊＊ ＜b＞x＜/b＞ ［点我］(http://x) ＃ 标题\n"},
			notWant: []string{"<b>"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fixtureCard()
			if tt.edit != nil {
				tt.edit(c)
			}
			if got := CardTitle(c); got != tt.title {
				t.Errorf("title = %q, want %q", got, tt.title)
			}
			got := CardMarkdown(c)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("markdown lacks %q:\n%s", w, got)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(got, w) {
					t.Errorf("markdown contains %q:\n%s", w, got)
				}
			}
		})
	}
}

func TestRobotPayload(t *testing.T) {
	tests := []struct {
		name, msgtype, field, contains string
		msg                            bot.Message
		perm                           bool
	}{
		{name: "card", msg: bot.Message{Card: fixtureCard()}, msgtype: "markdown", field: "text", contains: "停水投诉"},
		{name: "text", msg: bot.Message{Text: "工单 TS1 已超时"}, msgtype: "text", field: "content", contains: "工单 TS1 已超时"},
		{name: "long text cut", msg: bot.Message{Text: strings.Repeat("超", 5000)}, msgtype: "text", field: "content", contains: "超…"},
		{name: "empty", msg: bot.Message{}, perm: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := RobotPayload(tt.msg)
			if tt.perm {
				if !errors.Is(err, bot.ErrPermanent) {
					t.Fatalf("err = %v, want permanent", err)
				}
				return
			}
			var body map[string]any
			if err != nil || json.Unmarshal(data, &body) != nil {
				t.Fatalf("payload %s: %v", data, err)
			}
			inner, _ := body[tt.msgtype].(map[string]any)
			if body["msgtype"] != tt.msgtype || !strings.Contains(inner[tt.field].(string), tt.contains) {
				t.Fatalf("body %s", data)
			}
			if n := len([]rune(inner[tt.field].(string))); n > maxTextRunes+1 {
				t.Fatalf("%d runes", n)
			}
		})
	}
}
