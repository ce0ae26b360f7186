package handlers

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"tapline/models"
)

// TestAdminParkedTasks: a deadline parked after repeated identical
// failures is listed for the admin token only, and resuming it puts it
// back to running.
func TestAdminParkedTasks(t *testing.T) {
	e := newEnv(t, time.Second)
	ctx := context.Background()
	now := time.Now()
	nc := &models.NewCase{
		Case: models.Case{DraftKey: "kp", Status: models.StatusAssigned, Source: models.SourceWeChat,
			Category: "billing", Department: "business", Name: "张三", Address: "幸福路12号", Phone: "13812345678", Details: "水费"},
		Event:     models.CaseEvent{Type: "created"},
		Deadlines: []models.Deadline{{Stage: models.StageAccept, DueAt: now, NextAt: now}},
	}
	c, _, err := e.db.CreateCase(ctx, nc)
	if err != nil {
		t.Fatal(err)
	}
	dls, _ := e.db.CaseDeadlines(ctx, c.ID)
	if parked, _, err := e.db.FireFailed(ctx, dls[0].ID, 0, "insert warning: constraint failed", now, 1); err != nil || !parked {
		t.Fatalf("park: %v %v", parked, err)
	}
	code, body := adminGet(t, e, "/api/v1/parked", testAdmin)
	rows, _ := body["parked"].([]any)
	if code != 200 || len(rows) != 1 {
		t.Fatalf("parked: %d %v", code, body)
	}
	row := rows[0].(map[string]any)
	if row["deadline_id"].(float64) != float64(dls[0].ID) || row["last_error"] != "insert warning: constraint failed" ||
		row["stage"] != models.StageAccept || row["failures"].(float64) != 1 {
		t.Fatalf("row %v", row)
	}
	if code, _ := adminGet(t, e, "/api/v1/parked", ""); code != http.StatusUnauthorized {
		t.Fatalf("without a token: %d", code)
	}
	resume := func() int {
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/api/v1/parked/"+itoa(dls[0].ID)+"/resume", nil)
		req.Header.Set("Authorization", "Bearer "+testAdmin)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := resume(); code != 200 {
		t.Fatalf("resume: %d", code)
	}
	if code := resume(); code != http.StatusConflict {
		t.Fatalf("resume a running deadline: %d", code)
	}
	if d, _ := e.db.FindDeadline(ctx, dls[0].ID); d.Status != models.DeadlineRunning || d.Failures != 0 {
		t.Fatalf("after resume %+v", d)
	}
}

// TestParkedStagesAreTheCode: the document's stages of a parked task are
// models.AllStages.
func TestParkedStagesAreTheCode(t *testing.T) {
	doc := loadDoc(t)
	var got []string
	for _, v := range doc.Components.Schemas["ParkedTask"].Value.Properties["stage"].Value.Enum {
		got = append(got, v.(string))
	}
	if strings.Join(got, ",") != strings.Join(models.AllStages, ",") {
		t.Fatalf("openapi.yaml stages %v, code %v", got, models.AllStages)
	}
}
