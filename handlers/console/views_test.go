package console

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"tapline/bot/casework"
	"tapline/models"
)

var viewRe = regexp.MustCompile(`id="view-([a-z_]+)"[^>]*>[^<]+<b>(\d+)</b>`)

// viewCounts reads the saved views' counts from a list page.
func viewCounts(t *testing.T, page string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, m := range viewRe.FindAllStringSubmatch(page, -1) {
		out[m[1]] = m[2]
	}
	if len(out) != len(savedViews) {
		t.Fatalf("views %v:\n%s", out, page)
	}
	return out
}

// TestSavedViews: the list shows 今日到期, 已超时, 待我处理, 待回访 and
// 重大未阅 with their counts; a view filters the list and paging keeps it.
func TestSavedViews(t *testing.T) {
	e := newTestEnv(t)
	for i := range pageSize + 2 { // two pages of overdue cases
		seedCase(t, e, fmt.Sprintf("late-%d", i), false, map[string]time.Duration{models.StageAccept: -time.Duration(i+1) * time.Hour})
	}
	major := seedCase(t, e, "major", true, map[string]time.Duration{models.StageMajorAck: 10 * time.Minute})
	op := e.browser(t)
	op.login("hotline.crew")
	_, page := op.get("/console/cases")
	got := viewCounts(t, page)
	// 今日到期 counts the clocks due today (CST) whichever side of now;
	// its exact count depends on the hour the test runs.
	if got["overdue"] != fmt.Sprint(pageSize+2) || got["major_unread"] != "1" || got["mine"] != "0" || got["callback"] != "0" {
		t.Fatalf("counts %v", got)
	}
	code, page := op.get("/console/cases?view=overdue")
	if code != 200 || !strings.Contains(page, fmt.Sprintf("共 %d 件", pageSize+2)) || !strings.Contains(page, `class="active"`) {
		t.Fatalf("overdue view: %d\n%s", code, page)
	}
	next := regexp.MustCompile(`<a href="([^"]+)">下一页</a>`).FindStringSubmatch(page)
	if next == nil || !strings.Contains(next[1], "view=overdue") {
		t.Fatalf("next page link %v", next)
	}
	_, page = op.get(strings.ReplaceAll(next[1], "&amp;", "&"))
	if !strings.Contains(page, fmt.Sprintf("第 %d–%d 件", pageSize+1, pageSize+2)) || !strings.Contains(page, "赵*") {
		t.Fatalf("page 2 of the view:\n%s", page)
	}
	_, page = op.get("/console/cases?view=major_unread")
	if !strings.Contains(page, "共 1 件") {
		t.Fatalf("major view:\n%s", page)
	}

	supply := e.browser(t) // accepts the major case: it is theirs to handle
	supply.login("supply.crew")
	path := "/console/cases/" + major.Number
	if code, body := supply.post(path+"/act", url.Values{"csrf": {supply.csrf(path)}, "action": {casework.ActAccept}}); code != 200 || !strings.Contains(body, "已接单") {
		t.Fatalf("accept: %d\n%s", code, body)
	}
	_, page = supply.get("/console/cases?view=mine")
	if got := viewCounts(t, page); got["mine"] != "1" || !strings.Contains(page, major.Number) || !strings.Contains(page, "共 1 件") {
		t.Fatalf("mine: %v\n%s", got, page)
	}

	crew := e.browser(t) // another department: its own cases only
	crew.login("quality.crew")
	_, page = crew.get("/console/cases")
	if got := viewCounts(t, page); got["overdue"] != "0" || got["major_unread"] != "0" {
		t.Fatalf("quality counts %v", got)
	}
}
