package console

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"tapline/models"
)

// TestIntakeFollowUp: a call about an open case the duplicate check
// finds is added to it — a supplement on its timeline without the phone
// in full, a message to the department and one telling the WeChat
// resident — instead of filing a new case.
func TestIntakeFollowUp(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	nc := &models.NewCase{Case: models.Case{DraftKey: "wx:follow", Status: models.StatusAssigned, ResidentID: "oResident123456789",
		Source: models.SourceWeChat, Category: "water_pressure", Department: "supply",
		Name: "赵六", Address: "幸福路12号3栋", Phone: "13700001111", Details: "水压小", Attachments: "[]"},
		Event: models.CaseEvent{Type: "created", Role: "resident", Channel: "wechat"}}
	c, _, err := e.db.CreateCase(ctx, nc)
	if err != nil {
		t.Fatal(err)
	}
	op := e.browser(t)
	op.login("hotline.crew")
	_, page := op.get("/console/intake")
	key := regexp.MustCompile(`name="key" value="([^"]+)"`).FindStringSubmatch(page)[1]
	form := url.Values{"csrf": {op.csrf("/console/intake")}, "key": {key}, "source": {"phone"}, "name": {"赵六"},
		"phone": {"13600002222"}, "address": {"幸福路12号3栋"}, "details": {"还是没水压，楼上也一样"}, "expectation": {"尽快修好"}}
	code, body := op.post("/console/intake", form)
	if code != 409 || !strings.Contains(body, `id="follow-up-`+c.Number+`"`) || !strings.Contains(body, "仍然登记") {
		t.Fatalf("duplicate: %d\n%s", code, body)
	}
	form.Set("case", c.Number)
	code, body = op.post("/console/intake/follow-up", form)
	if code != 200 || !strings.Contains(body, "已把这次来电补充到投诉 "+c.Number) || !strings.Contains(body, "还是没水压") {
		t.Fatalf("follow-up: %d\n%s", code, body)
	}
	evs, _ := e.db.CaseEvents(ctx, c.ID)
	last := evs[len(evs)-1]
	if last.Type != "supplemented" || !strings.Contains(last.Text, "136****2222") || strings.Contains(last.Text, "13600002222") {
		t.Fatalf("event: %+v", last)
	}
	var rows []models.Outbox
	e.db.Gorm().Where("case_id = ?", c.ID).Find(&rows)
	var told, dept bool
	for _, r := range rows {
		told = told || (r.Audience == "resident" && r.Target == "oResident123456789" && strings.Contains(r.Payload, c.Number))
		dept = dept || (r.Audience == "supply" && strings.Contains(r.Payload, "再次来电"))
	}
	if !told || !dept {
		t.Fatalf("outbox: %+v", rows)
	}
	var n int64
	e.db.Gorm().Model(&models.Case{}).Count(&n)
	if n != 1 {
		t.Fatalf("%d cases: the call was filed as well", n)
	}
	form.Set("details", "")
	if code, body = op.post("/console/intake/follow-up", form); code != 400 || !strings.Contains(body, "请填写投诉内容") {
		t.Fatalf("no details: %d\n%s", code, body)
	}
}
