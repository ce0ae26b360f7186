package wecom

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

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
		want    []string
		notWant []string
	}{
		{
			name: "major card",
			want: []string{
				"## <font color=\"warning\">【重大】</font>停水投诉\n",
				"> 工单号：TS20240501-0007\n", "> 类别：停水\n", "> 责任部门：供水管网所\n",
				"> 重大原因：涉及200户以上\n", "> 反映人：张＊＊\n", "> 电话：138＊＊＊＊5678\n",
				"> 地址：幸福路12号3栋\n", "> 时间：2024-05-01 10:30\n",
				"**诉求**：从早上8点起停水，没有通知\n", "**期望**：尽快恢复供水\n",
				"[查看详情](https://tapline.example.com/cases/TS20240501-0007)",
			},
		},
		{
			name:    "ordinary card without url",
			edit:    func(c *bot.Card) { c.Major, c.URL, c.Expect = false, "", "" },
			want:    []string{"## 停水投诉\n"},
			notWant: []string{"【重大】", "重大原因", "查看详情", "期望"},
		},
		{
			name:    "markup and mentions from the resident are neutralised",
			edit:    func(c *bot.Card) { c.Summary = "<@all> **急** [点我](http://x)\n# 标题" },
			want:    []string{"**诉求**：＜@all＞ ＊＊急＊＊ ［点我］(http://x) ＃ 标题\n"},
			notWant: []string{"<@all>"},
		},
		{
			name:    "javascript link dropped",
			edit:    func(c *bot.Card) { c.URL = "javascript:alert(1)" },
			notWant: []string{"查看详情"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fixtureCard()
			if tt.edit != nil {
				tt.edit(c)
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

func TestCardMarkdownBounded(t *testing.T) {
	c := fixtureCard()
	c.Summary = strings.Repeat("水", 5000)
	c.Address = strings.Repeat("路", 5000)
	got := CardMarkdown(c)
	if len(got) > maxMarkdownBytes || !utf8.ValidString(got) {
		t.Fatalf("markdown is %d bytes, valid utf8 %v", len(got), utf8.ValidString(got))
	}
}

func TestRobotPayload(t *testing.T) {
	tests := []struct {
		name    string
		msg     bot.Message
		want    string // msgtype
		content string // substring of the content
		perm    bool
	}{
		{"card", bot.Message{Card: fixtureCard()}, "markdown", "停水投诉", false},
		{"text", bot.Message{Text: "工单 TS1 已超时，请处理"}, "text", "工单 TS1 已超时，请处理", false},
		{"long text cut", bot.Message{Text: strings.Repeat("超", 2000)}, "text", "超…", false},
		{"empty", bot.Message{Text: "  "}, "", "", true},
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
			if err != nil {
				t.Fatal(err)
			}
			var body map[string]any
			if err := json.Unmarshal(data, &body); err != nil {
				t.Fatal(err)
			}
			if body["msgtype"] != tt.want {
				t.Fatalf("msgtype = %v, want %s", body["msgtype"], tt.want)
			}
			content := body[tt.want].(map[string]any)["content"].(string)
			if !strings.Contains(content, tt.content) || len(content) > maxMarkdownBytes {
				t.Fatalf("content %q lacks %q", content, tt.content)
			}
			if tt.want == "text" && len(content) > maxTextBytes {
				t.Fatalf("text is %d bytes", len(content))
			}
		})
	}
}
