package console

import (
	"regexp"
	"strings"
	"testing"
)

// TestReportsPageChartsOpenFullSize: each chart on the reports page is
// shown at its own width and is a plain link to its full-size PNG; the
// satisfaction and scorecard charts say what their figures are based on.
func TestReportsPageChartsOpenFullSize(t *testing.T) {
	e := newTestEnv(t)
	op := e.browser(t)
	op.login("hotline.crew")
	code, page := op.get("/console/reports")
	if code != 200 {
		t.Fatalf("reports page: %d\n%s", code, page)
	}
	links := regexp.MustCompile(`<a class="enlarge" href="([^"]+)"[^>]*><img src="([^"]+)"[^>]* width="1000" height="600"`).
		FindAllStringSubmatch(page, -1)
	if len(links) != 7 {
		t.Fatalf("%d linked chart images, want 7:\n%s", len(links), page)
	}
	for _, l := range links {
		if l[1] != l[2] || !strings.Contains(l[1], "/console/reports/charts/") {
			t.Errorf("image %s links to %s, want its own PNG", l[2], l[1])
		}
	}
	for _, want := range []string{`id="chart-satisfaction"`, "本月还没有回访记录", "回访满意率基于接通的 0 次回访", "查看原图"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if _, css := op.get("/console/static/style.css"); !strings.Contains(css, ".charts a.enlarge") {
		t.Error("no style for the enlarge links")
	}
}
