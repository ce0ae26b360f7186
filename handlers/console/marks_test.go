package console

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"tapline/models"
)

// listRow returns the list's row of case number, "" when it is not shown.
func listRow(page, number string) string {
	return regexp.MustCompile(`(?s)<tr[^>]*>\s*<td data-label="编号"><a href="/console/cases/` + number + `">.*?</tr>`).FindString(page)
}

// TestListMarks: on the list a WeChat call-back request (人工) is marked
// as such, an ordinary complaint is not, and the cases of one incident
// carry 同一事件 ×N — N the cases of it the reader may see — linking to
// the list of exactly those, oldest first, masked.
func TestListMarks(t *testing.T) {
	e := newTestEnv(t)
	human := e.newCase(t, "human", "居民请求人工服务，请回电联系")
	plain := e.newCase(t, "plain", "水压小，人工费也太贵")
	var linked []*models.Case
	for _, k := range []string{"inc1", "inc2", "inc3", "inc4"} {
		linked = append(linked, e.newCase(t, k, "整栋楼停水"))
	}
	ids := []uint64{linked[0].ID, linked[1].ID, linked[2].ID, linked[3].ID}
	db := e.db.Gorm().WithContext(context.Background())
	if err := db.Model(&models.Case{}).Where("id IN ?", ids).Update("incident_id", 7).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Model(&models.Case{}).Where("id = ?", linked[3].ID).Update("department", "quality").Error; err != nil {
		t.Fatal(err)
	}
	op := e.browser(t)
	op.login("hotline.crew")
	_, page := op.get("/console/cases")
	if row := listRow(page, human.Number); !strings.Contains(row, ">人工</span>") {
		t.Fatalf("call-back request not marked: %s", row)
	}
	if row := listRow(page, plain.Number); strings.Contains(row, "人工</span>") || strings.Contains(row, "同一事件") {
		t.Fatalf("ordinary complaint marked: %s", row)
	}
	if row := listRow(page, linked[0].Number); !strings.Contains(row, `href="/console/cases?incident=7"`) || !strings.Contains(row, "同一事件 ×4") {
		t.Fatalf("incident not marked: %s", row)
	}
	code, page := op.get("/console/cases?incident=7")
	if code != 200 || !strings.Contains(page, `id="incident"`) || !strings.Contains(page, "共 4 件") ||
		listRow(page, human.Number) != "" || !strings.Contains(page, "137****1111") || strings.Contains(page, "13700001111") {
		t.Fatalf("incident list: %d\n%s", code, page)
	}
	if strings.Index(page, linked[0].Number) > strings.Index(page, linked[2].Number) {
		t.Fatal("incident list not oldest first")
	}
	crew := e.browser(t)
	crew.login("supply.crew")
	_, page = crew.get("/console/cases")
	if row := listRow(page, linked[0].Number); !strings.Contains(row, "同一事件 ×3") {
		t.Fatalf("crew's incident count: %s", row)
	}
	if _, page = crew.get("/console/cases?incident=7"); !strings.Contains(page, "共 3 件") || listRow(page, linked[3].Number) != "" {
		t.Fatalf("crew's incident list shows another department's case:\n%s", page)
	}
	if code, _ = crew.get("/console/cases?incident=x"); code != 400 {
		t.Fatalf("bad incident: %d", code)
	}
}
