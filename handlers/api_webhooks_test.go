package handlers

import (
	"strconv"
	"strings"
	"testing"
)

// TestAPIWebhookSubscriptions: the admin registers a subscription (the
// secret shown once), private targets outside the allow-list and unknown
// event types are refused with the field named, a filing writes its
// deliveries, and a replay is a new delivery of the same event ID.
func TestAPIWebhookSubscriptions(t *testing.T) {
	e := newAPIEnv(t)
	for _, tc := range []struct{ body, field string }{
		{`{"url":"https://10.0.0.5/hook","events":["case.created"]}`, "url"},
		{`{"url":"http://hooks.example.com/hook","events":["case.created"]}`, "url"},
		{`{"url":"https://hooks.example.com/hook","events":["case.deleted"]}`, "events"},
		{`{"url":"https://hooks.example.com/hook","events":[]}`, "events"},
		{`{"events":["case.created"]}`, "url"},
	} {
		code, body := e.call(t, "POST", "/api/v1/webhooks/subscriptions", testAdmin, tc.body, nil)
		if code != 400 || body["errors"].([]any)[0].(map[string]any)["field"] != tc.field {
			t.Errorf("%s: %d %v", tc.body, code, body)
		}
	}
	crew, _ := e.token(t, `{"name":"crew","staff_id":"quality.crew"}`)
	if code, _ := e.call(t, "GET", "/api/v1/webhooks/subscriptions", crew, "", nil); code != 403 {
		t.Fatalf("crew lists subscriptions: %d", code)
	}
	code, body := e.call(t, "POST", "/api/v1/webhooks/subscriptions", testAdmin,
		`{"url":"http://127.0.0.1:9/hook","events":["case.status_changed","case.created"],"description":"CRM"}`, nil)
	secret, _ := body["secret"].(string)
	if code != 201 || !strings.HasPrefix(secret, "whsec_") || len(body["events"].([]any)) != 2 {
		t.Fatalf("create: %d %v", code, body)
	}
	if code, _ := e.call(t, "POST", "/api/v1/webhooks/subscriptions", testAdmin, `{"url":"http://127.0.0.1:9/x","events":["case.created"]}`,
		header(IdempotencyHeader, "k")); code != 400 {
		t.Fatalf("an Idempotency-Key on a secret-bearing POST: %d", code)
	}
	id := strconv.FormatFloat(body["id"].(float64), 'f', 0, 64)
	code, body = e.call(t, "GET", "/api/v1/webhooks/subscriptions/"+id, testAdmin, "", nil)
	if code != 200 || body["secret"] != nil || !strings.HasPrefix(secret, strings.TrimSuffix(body["secret_hint"].(string), "…")) {
		t.Fatalf("get shows the secret: %d %v", code, body)
	}

	hotline, _ := e.token(t, `{"name":"desk","staff_id":"hotline.crew"}`)
	if code, body = e.call(t, "POST", "/api/v1/cases", hotline, phoneComplaint, nil); code != 201 {
		t.Fatalf("file: %d %v", code, body)
	}
	number := body["case"].(map[string]any)["number"].(string)
	code, body = e.call(t, "GET", "/api/v1/webhooks/subscriptions/"+id+"/deliveries", testAdmin, "", nil)
	if code != 200 || body["total"].(float64) != 1 {
		t.Fatalf("deliveries: %d %v", code, body)
	}
	d := body["deliveries"].([]any)[0].(map[string]any)
	event := d["event"].(map[string]any)
	if d["event_type"] != "case.created" || d["case_number"] != number || event["id"] != d["event_id"] ||
		strings.Contains(toJSON(event), "13812345678") || strings.Contains(toJSON(event), "张三丰") {
		t.Fatalf("delivery: %v", d)
	}
	did := strconv.FormatFloat(d["id"].(float64), 'f', 0, 64)
	code, body = e.call(t, "POST", "/api/v1/webhooks/deliveries/"+did+"/replay", testAdmin, "", header(IdempotencyHeader, "r1"))
	if code != 202 || body["event_id"] != d["event_id"] || body["id"] == d["id"] || body["status"] != "pending" {
		t.Fatalf("replay: %d %v", code, body)
	}
	if code, again := e.call(t, "POST", "/api/v1/webhooks/deliveries/"+did+"/replay", testAdmin, "", header(IdempotencyHeader, "r1")); code != 202 || again["id"] != body["id"] {
		t.Fatalf("replay retried with its key made another delivery: %d %v", code, again)
	}
	if code, body = e.call(t, "GET", "/api/v1/webhooks/deliveries/"+did, testAdmin, "", nil); code != 200 || body["attempt_log"] != nil {
		t.Fatalf("delivery detail: %d %v", code, body)
	}
	if code, body = e.call(t, "PATCH", "/api/v1/webhooks/subscriptions/"+id, testAdmin, `{"active":false}`, nil); code != 200 || body["active"] != false {
		t.Fatalf("pause: %d %v", code, body)
	}
	if code, _ = e.call(t, "DELETE", "/api/v1/webhooks/subscriptions/"+id, testAdmin, "", nil); code != 204 {
		t.Fatalf("delete: %d", code)
	}
	if code, _ = e.call(t, "GET", "/api/v1/webhooks/subscriptions/"+id, testAdmin, "", nil); code != 404 {
		t.Fatalf("deleted: %d", code)
	}
}
