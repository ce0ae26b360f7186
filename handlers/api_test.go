package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"tapline/bot"
	"tapline/bot/auth"
	"tapline/bot/casework"
	"tapline/bot/intake"
	"tapline/bot/notify"
	"tapline/bot/policy"
	"tapline/bot/redisstore/redistest"
	"tapline/handlers/apitest"
	"tapline/models/store"
	"tapline/models/store/storetest"
)

// apiEnv runs the handlers with a real Desk: store, Redis, casework and
// intake services.
type apiEnv struct {
	srv  *httptest.Server
	desk *auth.Desk
	db   *store.DB
}

func newAPIEnv(t *testing.T) *apiEnv {
	t.Helper()
	pol, err := policy.Load("../configs/policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	db := storetest.Open(t)
	rdb, prefix := redistest.New(t)
	log := slog.New(slog.DiscardHandler)
	work := casework.New(pol, db, db, nopScheduler{}, bot.SystemClock{}, log)
	desk := &auth.Desk{Policy: pol, Sessions: auth.NewSessions(rdb, prefix, time.Hour), Links: auth.NewLinks(rdb, prefix),
		Passwords: auth.NewPasswords(db, rdb, prefix, bcrypt.MinCost), Tokens: auth.NewTokens(db, pol, time.Now),
		Guard: auth.NewGuard(pol, db, db, db, log), Actions: auth.NewActions(work, pol, db, db),
		Intake: intake.New(pol, db, nopScheduler{}, bot.SystemClock{}, log), Counter: db, Clock: time.Now}
	egress, err := notify.NewEgress([]string{"127.0.0.0/8"})
	if err != nil {
		t.Fatal(err)
	}
	h := New(Deps{Logger: log, AdminToken: testAdmin, Cases: db, Outbox: db, Inbound: db, Desk: desk,
		Staff: work, Ready: map[string]Checker{}, Webhooks: db, Egress: egress, Idempotency: db})
	e := &apiEnv{srv: httptest.NewServer(apitest.MustNew(t, OpenAPI()).Middleware(t, h)), desk: desk, db: db}
	t.Cleanup(e.srv.Close)
	return e
}

// token creates an API token through the admin API.
func (e *apiEnv) token(t *testing.T, spec string) (string, uint64) {
	t.Helper()
	code, body := e.call(t, "POST", "/api/v1/tokens", testAdmin, spec, nil)
	if code != 201 {
		t.Fatalf("create token %s: %d %v", spec, code, body)
	}
	return body["token"].(string), uint64(body["id"].(float64))
}

// call sends a request with a bearer token (or cookies/headers in extra)
// and decodes the JSON answer.
func (e *apiEnv) call(t *testing.T, method, path, bearer, body string, extra func(*http.Request)) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, rd)
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if extra != nil {
		extra(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out := map[string]any{}
	b, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(b, &out)
	return resp.StatusCode, out
}

const phoneComplaint = `{"source":"phone","name":"张三丰","phone":"13812345678","address":"幸福路12号3栋",
	"details":"自来水发黄有异味<script>alert(1)</script>","expectation":"尽快检测"}`

// header sets one request header.
func header(k, v string) func(*http.Request) { return func(r *http.Request) { r.Header.Set(k, v) } }

// detail is a problem's detail (or "").
func detail(body map[string]any) string {
	d, _ := body["detail"].(string)
	return d
}

func TestAPIIntakeActionsAndScope(t *testing.T) {
	e := newAPIEnv(t)
	hotline, _ := e.token(t, `{"name":"desk","staff_id":"hotline.crew"}`)
	key := header(IdempotencyHeader, "api-1")
	code, body := e.call(t, "POST", "/api/v1/cases", hotline, phoneComplaint, key)
	if code != 201 {
		t.Fatalf("create: %d %v", code, body)
	}
	c := body["case"].(map[string]any)
	number := c["number"].(string)
	if c["department"] != "quality" || c["source"] != "phone" || c["status"] != "assigned" || c["contact_masked"] != false {
		t.Fatalf("case: %v", c)
	}
	for _, old := range []string{"ID", "Number", "DraftKey", "draft_key", "Attachments", "ResidentID", "id"} {
		if _, ok := c[old]; ok {
			t.Errorf("case still has %q: %v", old, c)
		}
	}
	if a, ok := c["attachments"].([]any); !ok || len(a) != 0 {
		t.Fatalf("attachments: %#v", c["attachments"])
	}
	if code, again := e.call(t, "POST", "/api/v1/cases", hotline, phoneComplaint, key); code != 201 || toJSON(again) != toJSON(body) {
		t.Fatalf("same key again: %d %v", code, again)
	}
	dup := strings.Replace(phoneComplaint, "尽快检测", "尽快上门检测", 1)
	if code, body = e.call(t, "POST", "/api/v1/cases", hotline, dup, key); code != 422 || body["type"] != ProblemBase+"idempotency-key-reused" {
		t.Fatalf("same key, another body: %d %v", code, body)
	}
	code, body = e.call(t, "POST", "/api/v1/cases", hotline, dup, header(IdempotencyHeader, "api-2"))
	if code != 409 || body["type"] != ProblemBase+"duplicates" || len(body["duplicates"].([]any)) != 1 {
		t.Fatalf("duplicate: %d %v", code, body)
	}
	code, body = e.call(t, "POST", "/api/v1/cases", hotline, `{"source":"phone","name":"","phone":"1","address":"x","details":"","expectation":""}`, nil)
	if code != 400 || !strings.Contains(detail(body), "姓名") || !strings.Contains(detail(body), "电话") {
		t.Fatalf("invalid: %d %v", code, body)
	}
	fields := map[string]bool{}
	for _, f := range body["errors"].([]any) {
		fields[f.(map[string]any)["field"].(string)] = true
	}
	for _, f := range []string{"name", "phone", "address", "details", "expectation"} {
		if !fields[f] {
			t.Errorf("errors do not name %s: %v", f, body["errors"])
		}
	}

	supply, _ := e.token(t, `{"name":"supply","role":"crew","department":"supply"}`)
	code, body = e.call(t, "GET", "/api/v1/cases/"+number, supply, "", nil)
	if code != 403 || !strings.Contains(detail(body), "只能查看本部门") || body["type"] != ProblemBase+"forbidden" {
		t.Fatalf("another department's case: %d %v", code, body)
	}
	if code, body = e.call(t, "GET", "/api/v1/cases", supply, "", nil); code != 200 || body["total"].(float64) != 0 {
		t.Fatalf("another department's list: %d %v", code, body)
	}
	code, body = e.call(t, "GET", "/api/v1/cases?q=5678", hotline, "", nil)
	listed := body["cases"].([]any)[0].(map[string]any)
	if code != 200 || body["total"].(float64) != 1 || listed["phone"] != "138****5678" || listed["contact_masked"] != true {
		t.Fatalf("hotline list is masked: %d %v", code, body)
	}
	if _, ok := listed["wechat_openid"]; ok {
		t.Fatalf("masked list shows the openid: %v", listed)
	}
	code, body = e.call(t, "GET", "/api/v1/cases/"+number, hotline, "", nil)
	if code != 200 || body["case"].(map[string]any)["phone"] != "13812345678" {
		t.Fatalf("hotline detail: %d %v", code, body)
	}
	ev := body["events"].([]any)[0].(map[string]any)
	if ev["type"] != "created" || ev["actor"] != "hotline.crew" || !strings.HasSuffix(ev["at"].(string), "+08:00") {
		t.Fatalf("timeline: %v", ev)
	}

	crew, _ := e.token(t, `{"name":"crew","staff_id":"quality.crew"}`)
	if code, body = e.call(t, "POST", "/api/v1/cases/"+number+"/actions/accept", crew, "", nil); code != 200 ||
		body["case"].(map[string]any)["status"] != "accepted" {
		t.Fatalf("accept: %d %v", code, body)
	}
	code, body = e.call(t, "POST", "/api/v1/cases/"+number+"/actions/accept", crew, "", nil)
	if code != 409 || body["type"] != ProblemBase+"refused" || detail(body) == "" {
		t.Fatalf("second accept: %d %v", code, body)
	}
	role, _ := e.token(t, `{"name":"role only","role":"crew","department":"quality"}`)
	if code, _ = e.call(t, "POST", "/api/v1/cases/"+number+"/actions/note", role, `{"text":"x"}`, nil); code != 403 {
		t.Fatalf("action without a person: %d", code)
	}
	code, body = e.call(t, "GET", "/api/v1/cases/"+number+"/reads", testAdmin, "", nil)
	if code != 200 || len(body["reads"].([]any)) != 1 {
		t.Fatalf("reads: %d %v", code, body)
	}
	if code, _ = e.call(t, "GET", "/api/v1/cases/"+number+"/reads", crew, "", nil); code != 403 {
		t.Fatalf("crew reads the record: %d", code)
	}
	if code, body = e.call(t, "GET", "/api/v1/dashboard", hotline, "", nil); code != 200 || body["total"].(float64) != 1 {
		t.Fatalf("dashboard: %d %v", code, body)
	}
	code, body = e.call(t, "GET", "/api/v1/cases?overdue=maybe", hotline, "", nil)
	if code != 400 || body["errors"].([]any)[0].(map[string]any)["field"] != "overdue" {
		t.Fatalf("bad overdue: %d %v", code, body)
	}
	if code, body = e.call(t, "POST", "/api/v1/cases/"+number+"/actions/note", crew, `{"txt":"x"}`, nil); code != 400 ||
		body["errors"].([]any)[0].(map[string]any)["field"] != "txt" {
		t.Fatalf("unknown body field: %d %v", code, body)
	}
}

// TestAPIIfMatch: an action with the case's current version (its ETag)
// is done; with a stale one it is 412 and nothing changes.
func TestAPIIfMatch(t *testing.T) {
	e := newAPIEnv(t)
	hotline, _ := e.token(t, `{"name":"desk","staff_id":"hotline.crew"}`)
	crew, _ := e.token(t, `{"name":"crew","staff_id":"quality.crew"}`)
	_, body := e.call(t, "POST", "/api/v1/cases", hotline, phoneComplaint, nil)
	number := body["case"].(map[string]any)["number"].(string)
	etag := e.etag(t, "/api/v1/cases/"+number, crew)
	if etag != `"1"` {
		t.Fatalf("ETag %s", etag)
	}
	code, body := e.call(t, "POST", "/api/v1/cases/"+number+"/actions/accept", crew, "", header("If-Match", etag))
	if code != 200 || body["case"].(map[string]any)["version"].(float64) != 2 {
		t.Fatalf("accept with the current version: %d %v", code, body)
	}
	code, body = e.call(t, "POST", "/api/v1/cases/"+number+"/actions/note", crew, `{"text":"到现场"}`, header("If-Match", etag))
	if code != 412 || body["type"] != ProblemBase+"precondition-failed" || !strings.Contains(detail(body), "第 2 版") {
		t.Fatalf("note with a stale version: %d %v", code, body)
	}
	if got := e.etag(t, "/api/v1/cases/"+number, crew); got != `"2"` {
		t.Fatalf("the stale action changed the case: ETag %s", got)
	}
	if code, _ = e.call(t, "POST", "/api/v1/cases/"+number+"/actions/note", crew, `{"text":"x"}`, header("If-Match", "W/\"2\"")); code != 400 {
		t.Fatalf("weak If-Match: %d", code)
	}
}

// etag returns the ETag of GET path.
func (e *apiEnv) etag(t *testing.T, path, bearer string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+bearer)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.Header.Get("ETag")
}

// TestAPICursorPaging: pages follow "next" to the end, each case once,
// while new cases are filed between pages.
func TestAPICursorPaging(t *testing.T) {
	e := newAPIEnv(t)
	hotline, _ := e.token(t, `{"name":"desk","staff_id":"hotline.crew"}`)
	file := func(i int) {
		b := fmt.Sprintf(`{"source":"phone","name":"张三丰","phone":"1391234%04d","address":"幸福路%d号","details":"自来水发黄有异味","expectation":"尽快检测"}`, i, i)
		if code, body := e.call(t, "POST", "/api/v1/cases", hotline, b, nil); code != 201 {
			t.Fatalf("file %d: %d %v", i, code, body)
		}
	}
	for i := range 7 {
		file(i)
	}
	seen := map[string]int{}
	next, pages := "/api/v1/cases?limit=3&source=phone", 0
	for next != "" {
		code, body := e.call(t, "GET", next, hotline, "", nil)
		if code != 200 {
			t.Fatalf("%s: %d %v", next, code, body)
		}
		for _, c := range body["cases"].([]any) {
			seen[c.(map[string]any)["number"].(string)]++
		}
		next, _ = body["next"].(string)
		if pages++; pages == 1 {
			file(100) // filed while paging: newer than the cursor, shifts nothing
		}
	}
	if len(seen) != 7 || pages != 3 {
		t.Fatalf("%d cases over %d pages: %v", len(seen), pages, seen)
	}
	for n, k := range seen {
		if k != 1 {
			t.Errorf("%s listed %d times", n, k)
		}
	}
	if code, body := e.call(t, "GET", "/api/v1/cases?cursor=bogus", hotline, "", nil); code != 400 ||
		body["errors"].([]any)[0].(map[string]any)["field"] != "cursor" {
		t.Fatalf("bad cursor: %d %v", code, body)
	}
}

func TestAPITokensAndSessions(t *testing.T) {
	e := newAPIEnv(t)
	tok, id := e.token(t, `{"name":"crm","role":"crew","department":"hotline"}`)
	if code, body := e.call(t, "GET", "/api/v1/me", tok, "", nil); code != 200 || body["department"] != "hotline" || body["via"] != "token" {
		t.Fatalf("me: %d %v", code, body)
	}
	for _, p := range []string{"/api/v1/tokens", "/api/v1/outbox"} {
		if code, _ := e.call(t, "GET", p, tok, "", nil); code != 403 {
			t.Fatalf("%s with a non-admin token: %d", p, code)
		}
	}
	code, body := e.call(t, "GET", "/api/v1/tokens", testAdmin, "", nil)
	if code != 200 || strings.Contains(toJSON(body), tok) {
		t.Fatalf("token list shows the token: %d %v", code, body)
	}
	if code, _ := e.call(t, "DELETE", "/api/v1/tokens/"+itoa(id), testAdmin, "", nil); code != 204 {
		t.Fatalf("revoke: %d", code)
	}
	if code, body := e.call(t, "GET", "/api/v1/me", tok, "", nil); code != 401 || !strings.Contains(detail(body), "revoked") ||
		body["type"] != ProblemBase+"unauthorized" {
		t.Fatalf("revoked token: %d %v", code, body)
	}
	if code, _ := e.call(t, "GET", "/api/v1/me", "", "", nil); code != 401 {
		t.Fatalf("no credentials: %d", code)
	}
	if code, _ := e.call(t, "POST", "/api/v1/tokens", testAdmin, `{"name":"x","role":"boss"}`, nil); code != 400 {
		t.Fatalf("bad spec: %d", code)
	}

	sess, err := e.desk.Sessions.Create(context.Background(), "hotline.crew", auth.MethodPassword)
	if err != nil {
		t.Fatal(err)
	}
	cookie := func(csrf string) func(*http.Request) {
		return func(r *http.Request) {
			r.AddCookie(&http.Cookie{Name: auth.CookieName, Value: sess.ID})
			if csrf != "" {
				r.Header.Set(auth.CSRFHeader, csrf)
			}
		}
	}
	if code, body := e.call(t, "GET", "/api/v1/me", "", "", cookie("")); code != 200 || body["staff_id"] != "hotline.crew" {
		t.Fatalf("session GET: %d %v", code, body)
	}
	code, body = e.call(t, "POST", "/api/v1/cases", "", phoneComplaint, cookie(""))
	if code != 403 || !strings.Contains(detail(body), "CSRF") {
		t.Fatalf("POST without CSRF: %d %v", code, body)
	}
	if code, _ = e.call(t, "POST", "/api/v1/cases", "", phoneComplaint, cookie("wrong")); code != 403 {
		t.Fatalf("POST with a wrong CSRF token: %d", code)
	}
	if code, body = e.call(t, "POST", "/api/v1/cases", "", phoneComplaint, cookie(sess.CSRF)); code != 201 {
		t.Fatalf("POST with CSRF: %d %v", code, body)
	}
}

func toJSON(v any) string {
	var b bytes.Buffer
	_ = json.NewEncoder(&b).Encode(v)
	return b.String()
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }
