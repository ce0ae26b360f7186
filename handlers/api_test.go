package handlers

import (
	"bytes"
	"context"
	"encoding/json"
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
	"tapline/bot/policy"
	"tapline/bot/redisstore/redistest"
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
		Guard: auth.NewGuard(pol, db, db, db, log), Actions: auth.NewActions(work, pol, db, db, time.Now),
		Intake: intake.New(pol, db, nopScheduler{}, bot.SystemClock{}, log), Counter: db, Clock: time.Now}
	h := New(Deps{Logger: log, AdminToken: testAdmin, Cases: db, Outbox: db, Inbound: db, Desk: desk,
		Staff: work, Ready: map[string]Checker{}})
	e := &apiEnv{srv: httptest.NewServer(h), desk: desk, db: db}
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
	"details":"自来水发黄有异味<script>alert(1)</script>","expectation":"尽快检测","key":"api-1"}`

func TestAPIIntakeActionsAndScope(t *testing.T) {
	e := newAPIEnv(t)
	hotline, _ := e.token(t, `{"name":"desk","staff_id":"hotline.crew"}`)
	code, body := e.call(t, "POST", "/api/v1/cases", hotline, phoneComplaint, nil)
	if code != 201 {
		t.Fatalf("create: %d %v", code, body)
	}
	c := body["case"].(map[string]any)
	number := c["Number"].(string)
	if c["Department"] != "quality" || c["Source"] != "phone" {
		t.Fatalf("case: %v", c)
	}
	if code, _ = e.call(t, "POST", "/api/v1/cases", hotline, phoneComplaint, nil); code != 200 {
		t.Fatalf("same key again: %d", code)
	}
	dup := strings.Replace(phoneComplaint, "api-1", "api-2", 1)
	code, body = e.call(t, "POST", "/api/v1/cases", hotline, dup, nil)
	if code != 409 || len(body["duplicates"].([]any)) != 1 {
		t.Fatalf("duplicate: %d %v", code, body)
	}
	code, body = e.call(t, "POST", "/api/v1/cases", hotline, `{"source":"phone","name":"","phone":"1","address":"x","details":"","expectation":""}`, nil)
	if code != 400 || !strings.Contains(body["error"].(string), "姓名") || !strings.Contains(body["error"].(string), "电话") {
		t.Fatalf("invalid: %d %v", code, body)
	}

	supply, _ := e.token(t, `{"name":"supply","role":"crew","department":"supply"}`)
	code, body = e.call(t, "GET", "/api/v1/cases/"+number, supply, "", nil)
	if code != 403 || !strings.Contains(body["error"].(string), "只能查看本部门") {
		t.Fatalf("another department's case: %d %v", code, body)
	}
	if code, body = e.call(t, "GET", "/api/v1/cases", supply, "", nil); code != 200 || body["total"].(float64) != 0 {
		t.Fatalf("another department's list: %d %v", code, body)
	}
	code, body = e.call(t, "GET", "/api/v1/cases?q=5678", hotline, "", nil)
	if code != 200 || body["total"].(float64) != 1 || body["cases"].([]any)[0].(map[string]any)["Phone"] != "138****5678" {
		t.Fatalf("hotline list is masked: %d %v", code, body)
	}
	code, body = e.call(t, "GET", "/api/v1/cases/"+number, hotline, "", nil)
	if code != 200 || body["case"].(map[string]any)["Phone"] != "13812345678" || body["full_contact"] != true {
		t.Fatalf("hotline detail: %d %v", code, body)
	}

	crew, _ := e.token(t, `{"name":"crew","staff_id":"quality.crew"}`)
	if code, body = e.call(t, "POST", "/api/v1/cases/"+number+"/actions/accept", crew, "", nil); code != 200 || body["status"] != "accepted" {
		t.Fatalf("accept: %d %v", code, body)
	}
	code, body = e.call(t, "POST", "/api/v1/cases/"+number+"/actions/accept", crew, "", nil)
	if code != 409 || body["code"] != "refused" || body["error"] == "" {
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
	if code, _ = e.call(t, "GET", "/api/v1/cases?overdue=maybe", hotline, "", nil); code != 400 {
		t.Fatalf("bad overdue: %d", code)
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
	if code, body := e.call(t, "GET", "/api/v1/me", tok, "", nil); code != 401 || !strings.Contains(body["error"].(string), "revoked") {
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
	if code != 403 || !strings.Contains(body["error"].(string), "CSRF") {
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
