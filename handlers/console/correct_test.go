package console

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"tapline/models"
)

// fileCase files a hotline case through the console form and returns its
// number (供水股, water pressure).
func fileCase(t *testing.T, op *browser, phone string) string {
	t.Helper()
	_, page := op.get("/console/intake")
	key := regexp.MustCompile(`name="key" value="([^"]+)"`).FindStringSubmatch(page)[1]
	code, body := op.post("/console/intake", url.Values{"csrf": {op.csrf("/console/intake")}, "key": {key},
		"source": {"phone"}, "name": {"王五"}, "phone": {phone}, "address": {"光明路8号2栋"}, "confirm": {"1"},
		"details": {"晚上水压太小，热水器打不着"}, "expectation": {"恢复水压"}})
	number := regexp.MustCompile(`TS\d{8}-\d{4}`).FindString(body)
	if code != 200 || number == "" {
		t.Fatalf("file: %d\n%s", code, body)
	}
	return number
}

var versionRe = regexp.MustCompile(`name="case_version" value="(\d+)"`)

// TestHotlineCorrectsPhone: the hotline corrects the phone from the case
// page (policy 4.1.1); the timeline shows the change masked in Chinese,
// the old value is kept in the event; a bad phone, a stale form, a form
// without CSRF and a crew member are refused, and the crew sees no form.
func TestHotlineCorrectsPhone(t *testing.T) {
	e := newTestEnv(t)
	op := e.browser(t)
	op.login("hotline.crew")
	number := fileCase(t, op, "13812341234")
	path := "/console/cases/" + number
	_, page := op.get(path)
	version := versionRe.FindStringSubmatch(page)
	if version == nil || !strings.Contains(page, `id="correct-form"`) {
		t.Fatalf("no correction form for the hotline:\n%s", page)
	}
	tok := csrfRe.FindStringSubmatch(page)[1]
	form := url.Values{"csrf": {tok}, "case_version": {version[1]}, "field": {"phone"}, "value": {"139 5678 5678"}}
	if code, body := op.post(path+"/correct", url.Values{"csrf": {tok}, "case_version": {version[1]},
		"field": {"phone"}, "value": {"12345"}}); code != 400 || !strings.Contains(body, "联系电话") {
		t.Fatalf("bad phone: %d\n%s", code, body)
	}
	code, body := op.post(path+"/correct", form)
	if code != 200 || !strings.Contains(body, "已更正电话：138****1234 → 139****5678") {
		t.Fatalf("correct: %d\n%s", code, body)
	}
	tl := tagRe.ReplaceAllString(timelineRe.FindStringSubmatch(body)[1], " ")
	if !strings.Contains(tl, "更正记录") || !strings.Contains(tl, "更正电话：138****1234 → 139****5678") ||
		strings.Contains(tl, "13812341234") {
		t.Fatalf("timeline:\n%s", tl)
	}
	if !strings.Contains(body, "13956785678") {
		t.Fatal("the record does not show the new phone")
	}
	c, _ := e.db.FindCaseByNumber(context.Background(), number)
	kept, err := e.db.CaseCorrections(context.Background(), c.ID)
	if err != nil || len(kept) != 1 || kept[0].Old != "13812341234" || kept[0].New != "13956785678" || kept[0].Actor != "hotline.crew" {
		t.Fatalf("old value not kept: %+v %v", kept, err)
	}
	form.Set("value", "13700000000") // the same form again: decided on the old version
	if code, body = op.post(path+"/correct", form); code != 409 || !strings.Contains(body, "刷新") {
		t.Fatalf("stale: %d\n%s", code, body)
	}
	form.Del("csrf")
	if code, _ = op.post(path+"/correct", form); code != 403 {
		t.Fatalf("no CSRF: %d", code)
	}

	crew := e.browser(t)
	crew.login("supply.crew")
	_, page = crew.get(path)
	if strings.Contains(page, `id="correct-form"`) {
		t.Fatal("the crew sees the correction form")
	}
	code, body = crew.post(path+"/correct", url.Values{"csrf": {csrfRe.FindStringSubmatch(page)[1]},
		"case_version": {fmt.Sprint(c.Version)}, "field": {"name"}, "value": {"李四"}})
	if code != 403 || !strings.Contains(body, "只有供水服务热线") {
		t.Fatalf("crew correction: %d\n%s", code, body)
	}
}

// seedCase writes a supply case with clocks of the given stages due at
// the given offsets from now, straight into the store.
func seedCase(t *testing.T, e *testEnv, key string, major bool, clocks map[string]time.Duration) *models.Case {
	t.Helper()
	nc := &models.NewCase{Case: models.Case{DraftKey: "seed:" + key, Status: models.StatusAssigned,
		Source: models.SourcePhone, Category: "water_pressure", Department: "supply", Major: major,
		Name: "赵六", Address: "幸福路12号3栋", Phone: "13700001111", Details: "水压小", Attachments: "[]"},
		Event: models.CaseEvent{Type: "created", Actor: "hotline.crew", Role: "crew", Channel: "console"}}
	now := time.Now()
	for stage, off := range clocks {
		nc.Deadlines = append(nc.Deadlines, models.Deadline{Stage: stage, StartedAt: now.Add(-time.Hour),
			DueAt: now.Add(off), NextAt: now.Add(time.Hour)})
	}
	c, _, err := e.db.CreateCase(context.Background(), nc)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestCasePageShowsStages: the case page lists each stage's deadline in
// China Standard Time with its state and how late it is.
func TestCasePageShowsStages(t *testing.T) {
	e := newTestEnv(t)
	op := e.browser(t)
	op.login("hotline.crew")
	c := seedCase(t, e, "stages", true, map[string]time.Duration{models.StageAccept: -2 * time.Hour,
		models.StageMajorAck: 20 * time.Minute})
	_, page := op.get("/console/cases/" + c.Number)
	m := regexp.MustCompile(`(?s)<table class="list" id="stages">(.*?)</table>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no stages:\n%s", page)
	}
	text := tagRe.ReplaceAllString(m[1], " ")
	dls, err := e.db.CaseDeadlines(context.Background(), c.ID)
	if err != nil || len(dls) != 2 {
		t.Fatalf("deadlines %v %v", dls, err)
	}
	due := dls[0].DueAt.In(cst).Format("2006-01-02 15:04")
	for _, want := range []string{"接单", "已超时", "超时 2小时", "重大投诉领导确认", "进行中", "剩 ", due} {
		if !strings.Contains(text, want) {
			t.Errorf("stages lack %q:\n%s", want, text)
		}
	}
	if raw := rawRe.FindAllString(text, -1); len(raw) > 0 {
		t.Errorf("raw values %v", raw)
	}
}

func TestStageRowOf(t *testing.T) {
	now := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	done := now.Add(-time.Hour)
	for _, tc := range []struct {
		d           models.Deadline
		state, late string
	}{
		{models.Deadline{Stage: models.StageAccept, Status: models.DeadlineRunning, DueAt: now.Add(-26 * time.Hour)}, "已超时", "超时 1天2小时"},
		{models.Deadline{Stage: models.StageAccept, Status: models.DeadlineParked, DueAt: now.Add(-5 * time.Minute)}, "已超时（提醒暂停）", "超时 5分钟"},
		{models.Deadline{Stage: models.StageMeasures, Status: models.DeadlinePaused, DueAt: now.Add(-time.Hour), RemainingMs: (90 * time.Minute).Milliseconds()}, "已挂起", "剩 1小时30分钟"},
		{models.Deadline{Stage: models.StageResolve, Status: models.DeadlineRunning, DueAt: now.Add(90 * time.Minute)}, "进行中", "剩 1小时30分钟"},
		{models.Deadline{Stage: models.StageMajorAck, Status: models.DeadlineDone, DueAt: now, DoneAt: &done}, "已完成", ""},
		{models.Deadline{Stage: models.StageCallback, Status: models.DeadlineDone, DueAt: now.Add(-3 * time.Hour), DoneAt: &done}, "超时完成", "超时 2小时"},
		{models.Deadline{Stage: models.StageApprove, Status: models.DeadlineDropped, DueAt: now}, "已停止", ""},
	} {
		r := stageRowOf(&tc.d, now)
		if r.State != tc.state || r.Late != tc.late || strings.ContainsAny(r.Stage, "abcdefghijklmnopqrstuvwxyz") {
			t.Errorf("%s %s: %+v, want %s %s", tc.d.Stage, tc.d.Status, r, tc.state, tc.late)
		}
	}
}
