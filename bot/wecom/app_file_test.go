package wecom

import (
	"strings"
	"testing"

	"tapline/bot"
)

// TestFileGoesAsTextCard: a file for a person (a report asked for in their
// own chat) is a textcard with its signed link and a 下载 button; a file
// without a web link is refused as permanent.
func TestFileGoesAsTextCard(t *testing.T) {
	s := &AppSender{agentID: 1000002}
	f := &bot.File{Name: "投诉台账-2026-11.xlsx", URL: "https://tapline.example/files/7?sig=x", Note: strings.Repeat("说明", 400)}
	body, _, err := s.payload("leader.a", bot.Message{File: f})
	if err != nil {
		t.Fatal(err)
	}
	card, ok := body["textcard"].(map[string]string)
	if body["msgtype"] != "textcard" || !ok || card["url"] != f.URL || card["title"] != f.Name || card["btntxt"] != "下载" ||
		len(card["description"]) > 512 {
		t.Fatalf("body %+v", body)
	}
	if _, _, err := s.payload("leader.a", bot.Message{File: &bot.File{Name: "x", URL: "/files/7"}}); err == nil {
		t.Fatal("a file without a web link was accepted")
	}
}
