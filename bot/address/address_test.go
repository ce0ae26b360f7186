package address

import (
	"testing"

	"tapline/bot/dingtalk"
	"tapline/bot/policy"
	"tapline/models"
)

// TestDingTalkCardsWhereConfigured: with DingTalk cards on, a group with a
// conversation ID gets an interactive card instead of its custom robot,
// and a person a 1:1 card beside their direct channel; without them, or
// for a group without the ID, the robot as before.
func TestDingTalkCardsWhereConfigured(t *testing.T) {
	g := policy.Group{DingTalkToken: "tok", DingTalkSecret: "SEC", DingTalkChatID: "cid123", WeComRobotKey: "k"}
	robotOnly := policy.Group{DingTalkToken: "tok", DingTalkSecret: "SEC"}
	cases := []struct {
		name  string
		book  Book
		group policy.Group
		want  Dest
	}{
		{"cards on", Book{DingTalkCards: true}, g, Dest{models.ChannelDingTalkCard, dingtalk.GroupTarget("cid123"), "supply"}},
		{"cards off", Book{}, g, Dest{models.ChannelDingTalkRobot, dingtalk.Target("tok", "SEC"), "supply"}},
		{"no conversation ID", Book{DingTalkCards: true}, robotOnly, Dest{models.ChannelDingTalkRobot, dingtalk.Target("tok", "SEC"), "supply"}},
	}
	for _, tc := range cases {
		got := tc.book.Group(tc.group, "supply")
		found := false
		for _, d := range got {
			if d.Channel == models.ChannelDingTalkCard || d.Channel == models.ChannelDingTalkRobot {
				found = d == tc.want
			}
		}
		if !found {
			t.Errorf("%s: %+v, want %+v among them", tc.name, got, tc.want)
		}
	}
	st := &policy.Staff{ID: "leader.b", WeComID: "wx-b", DingTalkID: "dt-b"}
	got := Book{Direct: models.ChannelWeComApp, DingTalkCards: true}.Person(st)
	if len(got) != 2 || got[1] != (Dest{models.ChannelDingTalkCard, dingtalk.UserTarget("dt-b"), "leader.b"}) {
		t.Errorf("person: %+v", got)
	}
	if got := (Book{Direct: models.ChannelWeComApp}).Person(st); len(got) != 1 {
		t.Errorf("person without cards: %+v", got)
	}
}
