package console

import (
	"context"
	"log/slog"
	"regexp"
	"strings"
	"testing"

	"tapline/bot"
	"tapline/bot/casework"
	"tapline/bot/dialog"
	"tapline/bot/intake"
	"tapline/models"
)

var (
	timelineRe = regexp.MustCompile(`(?s)<ol class="timeline" id="timeline">(.*?)</ol>`)
	tagRe      = regexp.MustCompile(`<[^>]*>`)
	rawRe      = regexp.MustCompile(`[A-Za-z_]{4,}`)
)

// TestTimelineShowsNoRawValues: the timeline names every event, status
// and actor in Chinese: no enum value (basically_satisfied, archived,
// deadline_warn …) and no WeChat OpenID reaches the page (issue 12).
func TestTimelineShowsNoRawValues(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	const openID = "oAbCdEfGhIjKlMnOpQrStUvWx"
	svc := intake.New(e.desk.Policy, e.db, nopEnq{}, bot.SystemClock{}, slog.New(slog.DiscardHandler))
	number, err := svc.File(ctx, &dialog.Draft{Key: openID + ":k", ResidentID: openID, Category: "water_pressure",
		Name: "王五", Address: "光明路8号2栋", Phone: "13912345678", Details: "水压太小", Expectation: "无"})
	if err != nil {
		t.Fatal(err)
	}
	var c *models.Case
	events := []models.CaseEvent{
		{Type: "deadline_warn", Actor: "system", Role: "system", Channel: "timer", Text: "受理超时"},
		{Type: "major", Actor: "system", Role: "system", Channel: "cluster", Text: "群体性"},
		{Type: casework.EventResidentAnswer, Actor: openID, Role: "resident", Channel: bot.PlatformWeChat, Text: "周六在家"},
		{Type: casework.ActCallback, Actor: "hotline.crew", Role: "crew", Channel: "console", Text: "回访：基本满意", ToStatus: models.StatusArchived},
		{Type: "reopen", Actor: "hotline.crew", Role: "crew", Channel: "console", Text: "回访不满意", ToStatus: models.StatusAccepted},
		{Type: "some_future_event", Actor: "token-7", Role: "admin", Channel: "api", Text: "x"},
	}
	for _, ev := range events {
		c, err = e.db.FindCaseByNumber(ctx, number)
		if err != nil {
			t.Fatal(err)
		}
		ev.FromStatus = c.Status
		if ev.ToStatus == "" {
			ev.ToStatus = c.Status
		}
		if _, err := e.db.Apply(ctx, &models.Transition{CaseID: c.ID, Version: c.Version, ToStatus: ev.ToStatus, Event: ev}); err != nil {
			t.Fatal(err)
		}
	}
	op := e.browser(t)
	op.login("hotline.crew")
	code, body := op.get("/console/cases/" + number)
	m := timelineRe.FindStringSubmatch(body)
	if code != 200 || m == nil {
		t.Fatalf("case page: %d\n%s", code, body)
	}
	text := tagRe.ReplaceAllString(m[1], " ")
	raw := rawRe.FindAllString(strings.ReplaceAll(text, "policy ", ""), -1) // clause citations are no raw value
	if len(raw) > 0 || strings.Contains(text, openID) {
		t.Fatalf("the timeline shows raw values %v:\n%s", raw, text)
	}
	for _, want := range []string{"居民", "系统", "超时警告", "供水服务热线组员（组员）", "已归档", "回访不满意"} {
		if !strings.Contains(text, want) {
			t.Errorf("timeline lacks %q:\n%s", want, text)
		}
	}
}
