package console

import (
	"bytes"
	"image/png"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"tapline/models"
)

// TestReportsAndCallbacks: the hotline sees the month's charts (real PNG
// images) and downloads the ledger; a crew member is refused with the
// reason; the call-back queue lists a closed case and recording
// "满意" archives it (policy 3.1, 4.4.1).
func TestReportsAndCallbacks(t *testing.T) {
	e := newTestEnv(t)
	op := e.browser(t)
	op.login("hotline.crew")
	tok := op.csrf("/console/intake")
	key := regexp.MustCompile(`name="key" value="([^"]+)"`).FindStringSubmatch(func() string { _, b := op.get("/console/intake"); return b }())[1]
	_, body := op.post("/console/intake", url.Values{"csrf": {tok}, "key": {key}, "source": {"phone"}, "name": {"王五"},
		"phone": {"13912345678"}, "address": {"光明路8号2栋"}, "details": {"停水一天了"}, "expectation": {"今天来水"}})
	number := regexp.MustCompile(`TS\d{8}-\d{4}`).FindString(body)
	if number == "" {
		t.Fatalf("not filed:\n%s", body)
	}
	code, page := op.get("/console/reports")
	if code != 200 || strings.Count(page, "<img ") < 5 || !strings.Contains(page, "下载投诉台账") {
		t.Fatalf("reports page: %d\n%s", code, page)
	}
	src := regexp.MustCompile(`<img src="([^"]+)"`).FindStringSubmatch(page)[1]
	code, img := op.get(strings.ReplaceAll(src, "&amp;", "&"))
	if _, err := png.Decode(bytes.NewReader([]byte(img))); code != 200 || err != nil {
		t.Fatalf("chart %s: %d %v", src, code, err)
	}
	if code, book := op.get("/console/reports/ledger"); code != 200 || !strings.HasPrefix(book, "PK") {
		t.Fatalf("ledger: %d", code)
	}
	if code, msg := op.get("/console/reports?month=2026-13"); code != 400 || !strings.Contains(msg, "1 到 12") {
		t.Fatalf("bad month: %d", code)
	}
	crew := e.browser(t)
	crew.login("quality.crew")
	if code, msg := crew.get("/console/reports/ledger"); code != 403 || !strings.Contains(msg, "全部部门") {
		t.Fatalf("crew ledger: %d\n%s", code, msg)
	}
	if err := e.db.Gorm().Model(&models.Case{}).Where("number = ?", number).Update("status", models.StatusClosed).Error; err != nil {
		t.Fatal(err)
	}
	code, queue := op.get("/console/callbacks")
	if code != 200 || !strings.Contains(queue, number) {
		t.Fatalf("queue: %d\n%s", code, queue)
	}
	tok = csrfRe.FindStringSubmatch(queue)[1]
	code, body = op.post("/console/cases/"+number+"/act", url.Values{"csrf": {tok}, "action": {"callback"},
		"outcome": {"满意"}, "text": {"居民表示感谢"}})
	if code != 200 || !strings.Contains(body, "已归档") {
		t.Fatalf("call-back: %d\n%s", code, body)
	}
	if _, queue = op.get("/console/callbacks"); strings.Contains(queue, number) {
		t.Fatal("archived case still in the queue")
	}
}
