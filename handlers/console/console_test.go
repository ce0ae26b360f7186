package console

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"

	"tapline/bot"
	"tapline/bot/auth"
	"tapline/bot/casework"
	"tapline/bot/intake"
	"tapline/bot/policy"
	"tapline/bot/redisstore/redistest"
	"tapline/bot/report"
	"tapline/models"
	"tapline/models/store"
	"tapline/models/store/storetest"
)

type nopEnq struct{}

func (nopEnq) Enqueue(context.Context, ...uint64) error { return nil }

type testEnv struct {
	srv  *httptest.Server
	desk *auth.Desk
	db   *store.DB
}

func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	pol, err := policy.Load("../../configs/policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	db := storetest.Open(t)
	rdb, prefix := redistest.New(t)
	log := slog.New(slog.DiscardHandler)
	work := casework.New(pol, db, db, nopEnq{}, bot.SystemClock{}, log)
	desk := &auth.Desk{Policy: pol, Sessions: auth.NewSessions(rdb, prefix, time.Hour), Links: auth.NewLinks(rdb, prefix),
		Passwords: auth.NewPasswords(db, rdb, prefix, bcrypt.MinCost), Tokens: auth.NewTokens(db, pol, time.Now),
		Guard: auth.NewGuard(pol, db, db, db, log), Actions: auth.NewActions(work, pol, db, db),
		Intake: intake.New(pol, db, nopEnq{}, bot.SystemClock{}, log), Counter: db, Clock: time.Now}
	for _, id := range []string{"hotline.crew", "supply.crew", "quality.crew"} {
		if err := desk.Passwords.Set(context.Background(), id, "password-"+id); err != nil {
			t.Fatal(err)
		}
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	New(desk, log, WithReports(report.New(db, pol, report.WithLogger(log)))).Register(r)
	e := &testEnv{srv: httptest.NewServer(r), desk: desk, db: db}
	t.Cleanup(e.srv.Close)
	return e
}

// browser is a client with its own cookies that does not follow redirects
// automatically when asked not to.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func (e *testEnv) browser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: e.srv.URL, c: &http.Client{Jar: jar}}
}

func (b *browser) get(path string) (int, string) {
	b.t.Helper()
	resp, err := b.c.Get(b.base + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func (b *browser) post(path string, form url.Values) (int, string) {
	b.t.Helper()
	resp, err := b.c.PostForm(b.base+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf returns the CSRF token of the page at path.
func (b *browser) csrf(path string) string {
	b.t.Helper()
	_, body := b.get(path)
	m := csrfRe.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatalf("no CSRF token on %s:\n%s", path, body)
	}
	return m[1]
}

func (b *browser) login(id string) {
	b.t.Helper()
	tok := b.csrf("/console/login")
	code, body := b.post("/console/login", url.Values{"csrf": {tok}, "staff_id": {id}, "password": {"password-" + id}})
	if code != 200 || !strings.Contains(body, "投诉列表") {
		b.t.Fatalf("login %s: %d\n%s", id, code, body)
	}
}

func TestConsoleFlow(t *testing.T) {
	e := newTestEnv(t)
	op := e.browser(t)
	if code, body := op.get("/console/cases"); code != 200 || !strings.Contains(body, "登录工作台") {
		t.Fatalf("not signed in: %d", code)
	}
	op.login("hotline.crew")
	tok := op.csrf("/console/intake")
	key := regexp.MustCompile(`name="key" value="([^"]+)"`).FindStringSubmatch(func() string { _, b := op.get("/console/intake"); return b }())[1]
	form := url.Values{"csrf": {tok}, "key": {key}, "source": {"phone"}, "name": {"王五"}, "phone": {"13912345678"},
		"address": {"光明路8号2栋"}, "details": {"停水一天了<script>alert('x')</script>"}, "expectation": {"今天来水"}}
	code, body := op.post("/console/intake", form)
	number := regexp.MustCompile(`TS\d{8}-\d{4}`).FindString(body)
	if code != 200 || number == "" || !strings.Contains(body, "已登记投诉") {
		t.Fatalf("file: %d\n%s", code, body)
	}
	if strings.Contains(body, "<script>alert") || !strings.Contains(body, "&lt;script&gt;alert") {
		t.Fatal("complaint text not escaped on the case page")
	}
	if !strings.Contains(body, "13912345678") || !strings.Contains(body, "本次查看已记录") {
		t.Fatal("the hotline sees the contact in full, recorded")
	}
	// The same address again: the duplicate is shown, then filed on confirmation.
	form.Set("key", "another-form-key")
	form.Set("phone", "13800000000")
	if code, body = op.post("/console/intake", form); code != 409 || !strings.Contains(body, number) || !strings.Contains(body, "仍然登记") {
		t.Fatalf("duplicate: %d\n%s", code, body)
	}
	form.Set("confirm", "1")
	if code, _ = op.post("/console/intake", form); code != 200 {
		t.Fatalf("confirmed: %d", code)
	}
	form.Set("name", "")
	form.Set("key", "third-form-key")
	if code, body = op.post("/console/intake", form); code != 400 || !strings.Contains(body, "姓名") {
		t.Fatalf("missing name: %d", code)
	}
	if code, body = op.get("/console/cases?q=" + number); code != 200 || !strings.Contains(body, number) || !strings.Contains(body, "139****5678") {
		t.Fatalf("list: %d\n%s", code, body)
	}
	if code, _ = op.get("/console/dashboard"); code != 200 {
		t.Fatalf("dashboard: %d", code)
	}

	crew := e.browser(t)
	crew.login("quality.crew")
	code, body = crew.get("/console/cases/" + number)
	if code != 403 || !strings.Contains(body, "供水股") || !strings.Contains(body, "只能查看本部门") {
		t.Fatalf("another department's case: %d\n%s", code, body)
	}
	supply := e.browser(t)
	supply.login("supply.crew")
	tok = supply.csrf("/console/cases/" + number)
	code, body = supply.post("/console/cases/"+number+"/act", url.Values{"csrf": {tok}, "action": {casework.ActAccept}})
	if code != 200 || !strings.Contains(body, "已接单") || !strings.Contains(body, status(models.StatusAccepted)) {
		t.Fatalf("accept: %d\n%s", code, body)
	}
	code, body = supply.post("/console/cases/"+number+"/act", url.Values{"action": {casework.ActNote}, "text": {"x"}})
	if code != 403 || !strings.Contains(body, "CSRF") {
		t.Fatalf("no CSRF: %d", code)
	}
	supply.post("/console/logout", url.Values{"csrf": {tok}})
	if code, body = supply.get("/console/cases"); !strings.Contains(body, "登录工作台") {
		t.Fatalf("after logout: %d", code)
	}
}

func status(s string) string { return casework.StatusName(s) }

func TestConsoleSignInRefusals(t *testing.T) {
	e := newTestEnv(t)
	b := e.browser(t)
	code, body := b.post("/console/login", url.Values{"staff_id": {"hotline.crew"}, "password": {"password-hotline.crew"}})
	if code != 403 || !strings.Contains(body, "CSRF") {
		t.Fatalf("login without CSRF: %d", code)
	}
	tok := b.csrf("/console/login")
	for range auth.MaxFailsPerID {
		code, body = b.post("/console/login", url.Values{"csrf": {tok}, "staff_id": {"hotline.crew"}, "password": {"wrong-password"}})
	}
	if code != 400 || !strings.Contains(body, "不正确") {
		t.Fatalf("wrong password: %d", code)
	}
	code, body = b.post("/console/login", url.Values{"csrf": {tok}, "staff_id": {"hotline.crew"}, "password": {"password-hotline.crew"}})
	if code != 403 || !strings.Contains(body, "次数过多") {
		t.Fatalf("rate limit: %d\n%s", code, body)
	}

	link, _ := e.desk.Links.Issue(context.Background(), "quality.crew")
	if code, body = b.get("/console/link?token=" + link); code != 200 || !strings.Contains(body, "确认登录") {
		t.Fatalf("landing: %d", code)
	}
	tok = b.csrf("/console/link?token=" + link) // fetching the page does not use the link up
	if code, body = b.post("/console/link", url.Values{"csrf": {tok}, "token": {link}}); code != 200 || !strings.Contains(body, "水质检测室") {
		t.Fatalf("link sign-in: %d\n%s", code, body)
	}
	other := e.browser(t)
	tok = other.csrf("/console/link?token=" + link)
	if code, body = other.post("/console/link", url.Values{"csrf": {tok}, "token": {link}}); code != 400 || !strings.Contains(body, "已经使用过") {
		t.Fatalf("reused link: %d\n%s", code, body)
	}
	tok = other.csrf("/console/link?token=expired")
	if code, body = other.post("/console/link", url.Values{"csrf": {tok}, "token": {"expired"}}); code != 400 || !strings.Contains(body, "已过期") {
		t.Fatalf("expired link: %d", code)
	}
}

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"/console/cases/TS1": "/console/cases/TS1", "https://evil.example/": "/console/cases",
		"//evil.example/console/": "/console/cases", "/console\\evil": "/console/cases", "": "/console/cases",
	} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}
