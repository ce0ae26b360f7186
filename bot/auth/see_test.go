package auth

import (
	"context"
	"strings"
	"testing"

	"tapline/bot"
	"tapline/models"
)

// Issue 13 item 5: `查 <编号>` in chat follows the department rule the
// console and the API apply. For every person of the roster the chat
// answer and the guard agree: whoever the guard refuses (403 in the
// console) gets the same refusal in chat and none of the case's address,
// complaint or timeline; whoever it lets in sees the case.
func TestDetailsInChatFollowTheGuard(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.file(t, "see1", "13812345678", "幸福路12号3栋") // quality (policy 3.8)
	refused := 0
	for _, st := range e.pol.Roster {
		p := e.person(t, st.ID)
		_, guardErr := e.desk.Guard.Case(ctx, p, c.Number, ChannelConsole)
		u := bot.Update{Platform: bot.PlatformConsole, Kind: bot.KindText, SenderID: st.ID, ChatType: "single",
			MsgID: "see-" + st.ID, Text: "查 " + c.Number}
		reply, err := e.work.Handle(ctx, u)
		if err != nil {
			t.Fatalf("%s: %v", st.ID, err)
		}
		leaks := strings.Contains(reply.Text, "幸福路") || strings.Contains(reply.Text, "发黄")
		switch {
		case models.ErrorCode(guardErr) == models.EFORBIDDEN:
			refused++
			if leaks || reply.Text != models.ErrorMessage(guardErr) {
				t.Errorf("%s: the guard refuses (%q) but chat answers %q", st.ID, models.ErrorMessage(guardErr), reply.Text)
			}
		case guardErr != nil:
			t.Fatalf("%s: %v", st.ID, guardErr)
		case !leaks:
			t.Errorf("%s: the guard lets in but chat answers %q", st.ID, reply.Text)
		}
	}
	if refused == 0 {
		t.Fatal("nobody in the roster is refused: the test shows nothing")
	}
}
