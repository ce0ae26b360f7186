package notify

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"tapline/bot"
)

// Issue 13 item 8: the sink's log line never carries a credential or a
// resident's full contact details: session webhook URLs, one-time sign-in
// links, signed file links, addresses, and the names and phones of a
// read-back that reaches the sink as a late reply.
func TestSinkLogsMasked(t *testing.T) {
	var buf bytes.Buffer
	s := NewSink(slog.New(slog.NewTextHandler(&buf, nil)), 10)
	ctx := context.Background()
	sends := []struct {
		target string
		msg    bot.Message
	}{
		{"https://oapi.dingtalk.com/robot/sendBySession?session=SESSIONSECRET1", bot.Message{Text: "已接单"}},
		{"supply.crew", bot.Message{Text: "工作台登录链接（10 分钟内有效）：\nhttp://127.0.0.1:8080/console/link?token=LINKTOKEN2"}},
		{"leaders", bot.Message{File: &bot.File{Name: "台账.xlsx", URL: "https://tapline.example/files/7?exp=1767225600&sig=FILESIG3"}}},
		{"quality", bot.Message{Card: &bot.Card{CaseNumber: "TS20261127-0042", Name: "张**", Phone: "138****5678",
			Address: "幸福路12号3栋402", Summary: "自来水发黄，联系 13812345678", URL: "https://tapline.example/console/cases/TS20261127-0042?via=CARDTOKEN4"}}},
		{"oResidentOpenID0123456789abc", bot.Message{Text: "请核对您的投诉信息：\n类型：水质\n姓名：张三丰\n地址：幸福路12号3栋402\n电话：13812345678\n问题：水发黄"}},
	}
	for _, m := range sends {
		if err := s.Send(ctx, m.target, m.msg); err != nil {
			t.Fatal(err)
		}
	}
	log := buf.String()
	for _, secret := range []string{"SESSIONSECRET1", "LINKTOKEN2", "FILESIG3", "CARDTOKEN4", "幸福路12号3栋402", "张三丰",
		"13812345678", "oResidentOpenID0123456789abc"} {
		if strings.Contains(log, secret) {
			t.Errorf("the sink logged %q:\n%s", secret, log)
		}
	}
	for _, kept := range []string{"TS20261127-0042", "audience=quality", "sendBySession", "/console/link", "台账.xlsx", "138****5678", "幸福路"} {
		if !strings.Contains(log, kept) {
			t.Errorf("the log lost %q:\n%s", kept, log)
		}
	}
	if got := s.Recent()[1].Message.Text; !strings.Contains(got, "LINKTOKEN2") {
		t.Errorf("the remembered message itself was changed: %q", got)
	}
}
