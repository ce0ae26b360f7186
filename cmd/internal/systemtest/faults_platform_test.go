package systemtest

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestWorkerKilledMidDelivery kills the server (SIGKILL) while the WeCom
// robot holds its first request open, restarts it, and checks that the card
// is then delivered, once: the claim's lease expires and the reconciler
// re-arms the row (outbox.lease shortened from 60 s for the test).
func TestWorkerKilledMidDelivery(t *testing.T) {
	robot := newFakeRobot(t, func(n int, _, _ string) robotAnswer {
		if n == 1 {
			return robotAnswer{hang: true}
		}
		return robotOK
	})
	o := startSolo(t, database(t), robot, map[string]string{
		"TAPLINE_OUTBOX_LEASE": "8s", "TAPLINE_OUTBOX_RECONCILE_INTERVAL": "1s"})
	ctx := ctxT(t)
	number := o.file(ctx, t, "o-sys-"+randomHex(6), 0)
	select {
	case <-robot.hits:
	case <-time.After(60 * time.Second):
		t.Fatal("the card never reached the robot")
	}
	o.s.p.kill()
	if r := o.robotRow(t, number); r.Status != "pending" || r.Attempts != 0 {
		t.Fatalf("after the kill: %+v, want pending with no attempt recorded", r)
	}
	o.s.restart()
	r := o.waitStatus(t, number, "sent")
	if got := robot.keyCount("key-f"); got != 2 { // supply's robot: the request cut by the kill, then one delivery
		t.Fatalf("robot requests: %d, want 2", got)
	}
	if a := o.attempts(t, r.ID); len(a) != 1 || a[0] != "ok" {
		t.Fatalf("attempts: %q", a)
	}
}

// TestPlatformFailures runs one server against a WeCom robot that answers
// 5xx, hangs (a timeout), reports its rate limit (errcode 45009, HTTP
// 429), or refuses the key (errcode 93000), and a WeChat API that rejects
// the access token once. Every message ends delivered or visibly failed,
// with each attempt recorded; the token is refreshed once.
func TestPlatformFailures(t *testing.T) {
	scripts := map[string][]robotAnswer{ // department robot key → answers in order; then OK
		"key-f": {{status: 500, body: "oops"}, {hang: true}},                                                // supply
		"key-h": {{status: 200, body: `{"errcode":45009,"errmsg":"api freq out of limit"}`}, {status: 429}}, // quality
		"key-c": {{status: 503}, {status: 503}, {status: 503}, {status: 503}, {status: 503}},                // business
		"key-g": {{status: 200, body: `{"errcode":93000,"errmsg":"invalid webhook url"}`}},                  // finance
	}
	robot := newFakeRobot(t, func(n int, key, _ string) robotAnswer {
		if s := scripts[key]; n <= len(s) {
			return s[n-1]
		}
		return robotOK
	})
	wx := newFakeWeChat(t)
	o := startSolo(t, database(t), robot, map[string]string{
		"TAPLINE_OUTBOX_LEASE": "4s", "TAPLINE_OUTBOX_BACKOFF": "200ms", "TAPLINE_OUTBOX_BUDGET": "4",
		"TAPLINE_OUTBOX_RATE_LIMIT_WAIT": "1s", "TAPLINE_OUTBOX_RECONCILE_INTERVAL": "1s",
		"TAPLINE_WECHAT_APP_SECRET": wxAppSecret, "TAPLINE_WECHAT_API_BASE": wx.srv.URL})
	ctx := ctxT(t)
	numbers := make([]string, 4)
	for i := range numbers {
		numbers[i] = o.file(ctx, t, "o-sys-"+randomHex(6), i)
	}
	want := []struct {
		status   string
		attempts []string
	}{
		{"sent", []string{"http 500: ", "http 0: ", "ok"}},
		{"sent", []string{"http 200: ", "http 429: ", "ok"}},
		{"failed", []string{"http 503: ", "http 503: ", "http 503: ", "http 503: "}},
		{"failed", []string{"http 200: "}},
	}
	for i, number := range numbers {
		r := o.waitStatus(t, number, want[i].status)
		got := o.attempts(t, r.ID)
		if len(got) != len(want[i].attempts) || r.Attempts != len(got) {
			t.Errorf("%s (%s): %d attempts %q, want %q", number, issues[i], r.Attempts, got, want[i].attempts)
			continue
		}
		for k, prefix := range want[i].attempts {
			if !strings.HasPrefix(got[k], prefix) {
				t.Errorf("%s (%s) attempt %d: %q, want %q…", number, issues[i], k+1, got[k], prefix)
			}
		}
	}
	askResident(t, o, numbers[0], wx)
}

// askResident has the supply crew accept a case and ask its resident a
// question; the WeChat API rejects the first access token, so the sender
// must refresh it once and deliver.
func askResident(t *testing.T, o *solo, number string, wx *fakeWeChat) {
	t.Helper()
	ctx := ctxT(t)
	if r, err := wecomApp(o.s).Click(ctx, "supply.crew", "accept:"+number, ""); err != nil || !strings.Contains(r, "已接单") {
		t.Fatalf("accept: %q %v", r, err)
	}
	if _, err := wecomApp(o.s).Text(ctx, "supply.crew", "", "问 "+number+" 请问是几楼水压小？"); err != nil {
		t.Fatal(err)
	}
	q := `SELECT COUNT(*) FROM outboxes o JOIN cases c ON c.id = o.case_id WHERE c.number = ? AND o.channel = 'wechat_cs'`
	eventually(t, 60*time.Second, func() bool {
		rows := queryInt(t, o.db, q, number)
		return rows > 0 && queryInt(t, o.db, q+" AND o.status = 'sent' AND o.attempts = 1", number) == rows
	}, func() string { return fmt.Sprintf("wechat rows of %s not all sent at the first attempt", number) })
	if !wx.asked() {
		t.Fatal("the question never reached the resident")
	}
	if n := wx.tokens(); n != 2 {
		t.Fatalf("access tokens fetched: %d, want 2 (the first, rejected once, then one refresh)", n)
	}
}

// fakeWeChat plays the WeChat API: stable access tokens, and the
// customer-service send, whose first call rejects the token (40001).
type fakeWeChat struct {
	srv   *httptest.Server
	mu    sync.Mutex
	token int
	sends []string
}

func newFakeWeChat(t *testing.T) *fakeWeChat {
	f := &fakeWeChat{}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeWeChat) serve(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch r.URL.Path {
	case "/cgi-bin/stable_token", "/cgi-bin/token":
		f.token++
		fmt.Fprintf(w, `{"access_token":"tok-%d","expires_in":7200}`, f.token)
	case "/cgi-bin/message/custom/send":
		f.sends = append(f.sends, string(b))
		if len(f.sends) == 1 {
			fmt.Fprint(w, `{"errcode":40001,"errmsg":"invalid credential, access_token is invalid or not latest"}`)
			return
		}
		fmt.Fprint(w, `{"errcode":0,"errmsg":"ok"}`)
	default:
		http.NotFound(w, r)
	}
}

func (f *fakeWeChat) tokens() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.token
}

// asked reports whether a send after the rejected first one carried the
// crew's question.
func (f *fakeWeChat) asked() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, s := range f.sends {
		if i > 0 && strings.Contains(s, "几楼") {
			return true
		}
	}
	return false
}
