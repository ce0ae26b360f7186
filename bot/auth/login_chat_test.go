package auth

import (
	"context"
	"strings"
	"testing"

	"tapline/bot"
)

// Issue 13 item 10: a sign-in link is given only in a chat known to be
// 1:1; a missing or unknown chat type is refused like a group.
func TestLoginLinkOnlyInOneToOneChat(t *testing.T) {
	e := newEnv(t)
	l := NewLoginCommand(&recordingStaff{}, e.desk.Links, e.pol, func() string { return "https://desk.example/" }, slogDiscard())
	for _, chatType := range []string{"", "group", "channel", "Single", "unknown"} {
		for _, platform := range []string{bot.PlatformWeCom, bot.PlatformWeComBot, bot.PlatformDingTalk} {
			r, err := l.Handle(context.Background(), bot.Update{Platform: platform, Kind: bot.KindText,
				SenderID: "quality.crew", ChatType: chatType, Text: "登录"})
			if err != nil || r.Text != txtLoginGroup || strings.Contains(r.Text, "token=") {
				t.Errorf("%s chat type %q: %q %v", platform, chatType, r.Text, err)
			}
		}
	}
}
