package dingtalk

import (
	"net/url"
	"testing"

	"tapline/bot"
)

func TestSendMessageLink(t *testing.T) {
	got := SendMessageLink("批准 TS1 (a+b)")
	if got != "dtmd://dingtalkclient/sendMessage?content=%E6%89%B9%E5%87%86%20TS1%20%28a%2Bb%29" {
		t.Errorf("link %s", got)
	}
	u, err := url.Parse(got)
	if err != nil || u.Query().Get("content") != "批准 TS1 (a+b)" {
		t.Errorf("round trip: %v %q", err, u.Query().Get("content"))
	}
}

func TestCommandText(t *testing.T) {
	tests := []struct {
		b    bot.Button
		want string
	}{
		{bot.Button{Key: "approve:TS20261127-0042:v2", Text: "批准"}, "批准 TS20261127-0042 v2"},
		{bot.Button{Key: "accept:TS20261127-0042", Text: " 接单 "}, "接单 TS20261127-0042"},
		{bot.Button{Key: "help", Text: "帮助"}, "帮助"},
		{bot.Button{Key: "details:TS1", Text: ""}, "details:TS1"},
		{bot.Button{Key: "note:TS1\nx", Text: "进展"}, "进展 TS1 x"},
	}
	for _, tt := range tests {
		if got := CommandText(tt.b); got != tt.want {
			t.Errorf("CommandText(%+v) = %q, want %q", tt.b, got, tt.want)
		}
	}
}
