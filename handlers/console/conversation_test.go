package console

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"tapline/bot/casework"
	"tapline/models"
)

var conversationRe = regexp.MustCompile(`(?s)<ol class="conversation" id="conversation">(.*?)</ol>`)

// TestConversation: the case page shows the resident's own messages — the
// complaint as filed, then their remarks and answers — in time order,
// named as the resident's and never by OpenID; staff entries stay on the
// timeline only.
func TestConversation(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	c := e.newCase(t, "talk", "三楼水压小，洗澡都不行")
	for _, ev := range []models.CaseEvent{
		{Type: casework.EventResidentRemark, Actor: c.ResidentID, Role: "resident", Channel: "wechat", Text: "楼上邻居也一样"},
		{Type: casework.ActNote, Actor: "supply.crew", Role: "crew", Channel: "console", Text: "已到现场查看"},
		{Type: casework.EventResidentAnswer, Actor: c.ResidentID, Role: "resident", Channel: "wechat", Text: "周六上午在家"},
	} {
		now, err := e.db.FindCaseByNumber(ctx, c.Number)
		if err != nil {
			t.Fatal(err)
		}
		ev.FromStatus, ev.ToStatus = now.Status, now.Status
		if _, err := e.db.Apply(ctx, &models.Transition{CaseID: now.ID, Version: now.Version, ToStatus: now.Status, Event: ev}); err != nil {
			t.Fatal(err)
		}
	}
	crew := e.browser(t)
	crew.login("supply.crew")
	code, body := crew.get("/console/cases/" + c.Number)
	m := conversationRe.FindStringSubmatch(body)
	if code != 200 || m == nil {
		t.Fatalf("case page: %d\n%s", code, body)
	}
	text := tagRe.ReplaceAllString(m[1], " ")
	order := []string{"投诉", "三楼水压小，洗澡都不行", "居民补充", "楼上邻居也一样", "居民回复", "周六上午在家"}
	at := 0
	for _, want := range order {
		i := strings.Index(text[at:], want)
		if i < 0 {
			t.Fatalf("conversation lacks %q after position %d:\n%s", want, at, text)
		}
		at += i + len(want)
	}
	if strings.Contains(text, "已到现场查看") || strings.Contains(text, c.ResidentID) || strings.Contains(text, "公众号投诉") {
		t.Fatalf("conversation shows more than the resident's words:\n%s", text)
	}
	if raw := rawRe.FindAllString(text, -1); len(raw) > 0 {
		t.Fatalf("raw values %v:\n%s", raw, text)
	}
}
