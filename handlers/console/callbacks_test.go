package console

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"tapline/models"
)

// closedCase seeds a closed supply case with a running call-back clock.
func closedCase(t *testing.T, e *testEnv, key string) *models.Case {
	t.Helper()
	c := seedCase(t, e, key, false, nil)
	if err := e.db.Gorm().Model(&models.Case{}).Where("id = ?", c.ID).Update("status", models.StatusClosed).Error; err != nil {
		t.Fatal(err)
	}
	due := time.Date(2026, 12, 1, 2, 30, 0, 0, time.UTC) // 10:30 Beijing time, past
	if err := e.db.Gorm().Create(&models.Deadline{CaseID: c.ID, Stage: models.StageCallback, Status: models.DeadlineRunning,
		StartedAt: due.Add(-48 * time.Hour), DueAt: due, NextAt: due}).Error; err != nil {
		t.Fatal(err)
	}
	return c
}

// TestCallbackQueue: the hotline sees the resident's phone as a tel: link
// (the read recorded), no outcome chosen for it, the attempts and the
// call-back clock's due time; submitting without an outcome is refused
// on the queue in the error style; "联系不上" is counted and the operator
// stays on the queue. A leader not in charge of the case sees it masked.
func TestCallbackQueue(t *testing.T) {
	e := newTestEnv(t)
	c := closedCase(t, e, "queue")
	op := e.browser(t)
	op.login("hotline.crew")
	code, queue := op.get("/console/callbacks")
	if code != 200 || !strings.Contains(queue, `href="tel:13700001111"`) || !strings.Contains(queue, "未回访") ||
		!strings.Contains(queue, "2026-12-01 10:30") || !strings.Contains(queue, "已超时") {
		t.Fatalf("queue: %d\n%s", code, queue)
	}
	if !strings.Contains(queue, `<option value="" selected>请选择结果</option>`) || strings.Contains(queue, `value="满意" selected`) {
		t.Fatalf("an outcome is pre-selected:\n%s", queue)
	}
	var reads int64
	e.db.Gorm().Model(&models.PersonalDataRead{}).Where("case_id = ? AND purpose = ?", c.ID, "callback").Count(&reads)
	if reads != 1 {
		t.Fatalf("full phone read recorded %d times", reads)
	}
	tok := csrfRe.FindStringSubmatch(queue)[1]
	path := "/console/callbacks/" + c.Number
	code, body := op.post(path, url.Values{"csrf": {tok}, "outcome": {""}, "text": {"打了两次"}})
	if code != 400 || !strings.Contains(body, `class="error"`) || !strings.Contains(body, "请先选择回访结果") ||
		!strings.Contains(body, `id="callbacks"`) || !strings.Contains(body, `value="打了两次"`) {
		t.Fatalf("no outcome: %d\n%s", code, body)
	}
	code, body = op.post(path, url.Values{"csrf": {tok}, "outcome": {"不满意"}})
	if code != 409 || !strings.Contains(body, `class="error"`) || !strings.Contains(body, `id="callbacks"`) {
		t.Fatalf("unsatisfied without a reason: %d\n%s", code, body)
	}
	code, body = op.post(path, url.Values{"csrf": {tok}, "outcome": {"联系不上"}})
	if code != 200 || !strings.Contains(body, "第1次") || !strings.Contains(body, `id="callbacks"`) || !strings.Contains(body, "1 次") {
		t.Fatalf("unreachable: %d\n%s", code, body)
	}
	leader := e.browser(t)
	if err := e.desk.Passwords.Set(context.Background(), "leader.a", "password-leader.a"); err != nil {
		t.Fatal(err)
	}
	leader.login("leader.a")
	if _, q := leader.get("/console/callbacks"); strings.Contains(q, "13700001111") || strings.Contains(q, "tel:") ||
		!strings.Contains(q, "137****1111") {
		t.Fatalf("leader not in charge:\n%s", q)
	}
}
