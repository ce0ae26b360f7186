package console

import (
	"strings"
	"testing"
)

// Issue 13 item 10: /console/static/ serves its files but does not list
// its directory.
func TestStaticDoesNotListItsDirectory(t *testing.T) {
	e := newTestEnv(t)
	b := e.browser(t)
	for _, path := range []string{"/console/static/", "/console/static", "/console/static/."} {
		if code, body := b.get(path); code == 200 || strings.Contains(body, "style.css") {
			t.Errorf("GET %s: %d\n%s", path, code, body)
		}
	}
	if code, body := b.get("/console/static/style.css"); code != 200 || body == "" {
		t.Fatalf("the stylesheet: %d", code)
	}
	if code, _ := b.get("/console/static/nothing.css"); code != 404 {
		t.Fatalf("a missing file: %d", code)
	}
}
