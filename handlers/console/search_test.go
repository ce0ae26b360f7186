package console

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestListSearch: the list's search finds a case by name, phone (partial,
// with spaces) and complaint text, shows contacts masked, and the saved
// views' links and the form keep the search text.
func TestListSearch(t *testing.T) {
	e := newTestEnv(t)
	op := e.browser(t)
	op.login("hotline.crew")
	number := fileCase(t, op, "13912345678")
	other := seedCase(t, e, "search-other", false, nil) // 赵六, 13700001111, 水压小
	for _, q := range []string{"王五", "1234 5678", "热水器", number} {
		code, body := op.get("/console/cases?q=" + url.QueryEscape(q))
		if code != 200 || !strings.Contains(body, number) || strings.Contains(body, other.Number) {
			t.Fatalf("search %q: %d\n%s", q, code, body)
		}
		if strings.Contains(body, "13912345678") || !strings.Contains(body, "139****5678") {
			t.Fatalf("search %q: contacts not masked", q)
		}
	}
	_, body := op.get("/console/cases?view=due_today&q=" + url.QueryEscape("水压小"))
	if !strings.Contains(body, `href="/console/cases?q=%E6%B0%B4%E5%8E%8B%E5%B0%8F&amp;view=overdue"`) ||
		!strings.Contains(body, `name="view" value="due_today"`) || !strings.Contains(body, `id="searching"`) {
		t.Fatalf("views do not keep the search:\n%s", body)
	}
	if !regexp.MustCompile(`<details class="fold"`).MatchString(body) {
		t.Fatal("the filters do not fold")
	}
}
