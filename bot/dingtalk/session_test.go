package dingtalk

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"tapline/bot"
)

// fakeSession is an httptest fake of DingTalk's session webhook: it records
// every body posted to /robot/sendBySession and answers with reply.
type fakeSession struct {
	mu     sync.Mutex
	bodies []map[string]any
	reply  func(w http.ResponseWriter)
}

func newFakeSession(t *testing.T, reply func(w http.ResponseWriter)) (*fakeSession, *httptest.Server) {
	f := &fakeSession{reply: reply}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeSession) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	data, _ := io.ReadAll(r.Body)
	if r.Method != http.MethodPost || r.URL.Path != "/robot/sendBySession" || r.URL.Query().Get("session") == "" ||
		!strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") || json.Unmarshal(data, &body) != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.bodies = append(f.bodies, body)
	f.mu.Unlock()
	f.reply(w)
}

func (f *fakeSession) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.bodies)
}

func errcode(code int, msg string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"errcode": code, "errmsg": msg})
	}
}

const testSession = "3d3a6f0b2c1e4d5f9a8b"

func newTestSession(t *testing.T, srv *httptest.Server, opts ...Option) (*SessionSender, string) {
	t.Helper()
	s, err := NewSessionSender([]string{srv.URL + "/robot/sendBySession"}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s, srv.URL + "/robot/sendBySession?session=" + testSession
}

func TestSessionSendText(t *testing.T) {
	f, srv := newFakeSession(t, errcode(0, "ok"))
	s, target := newTestSession(t, srv)
	if err := s.Send(context.Background(), target, bot.Message{Text: "已接单"}); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"msgtype": "text", "text": map[string]any{"content": "已接单"}}
	if f.count() != 1 || !jsonEqual(f.bodies[0], want) {
		t.Errorf("bodies %v", f.bodies)
	}
}

func TestSessionSendCardWithButtons(t *testing.T) {
	f, srv := newFakeSession(t, errcode(0, "ok"))
	s, target := newTestSession(t, srv)
	card := fixtureCard()
	card.Buttons = []bot.Button{{Key: "approve:TS20240501-0007", Text: "批准"}, {Key: "reject:TS20240501-0007", Text: "驳回"}}
	if err := s.Send(context.Background(), target, bot.Message{Card: card}); err != nil {
		t.Fatal(err)
	}
	if f.count() != 1 || f.bodies[0]["msgtype"] != "markdown" {
		t.Fatalf("bodies %v", f.bodies)
	}
	md := f.bodies[0]["markdown"].(map[string]any)
	text := md["text"].(string)
	for _, want := range []string{
		"[批准](dtmd://dingtalkclient/sendMessage?content=%E6%89%B9%E5%87%86%20TS20240501-0007)　回复：批准 TS20240501-0007",
		"[驳回](dtmd://dingtalkclient/sendMessage?content=%E9%A9%B3%E5%9B%9E%20TS20240501-0007)　回复：驳回 TS20240501-0007",
		"TS20240501-0007", "138＊＊＊＊5678",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("markdown lacks %q:\n%s", want, text)
		}
	}
	if md["title"] != CardTitle(card) {
		t.Errorf("title %v", md["title"])
	}
}

func TestSessionSendCardWithURL(t *testing.T) {
	f, srv := newFakeSession(t, errcode(0, "ok"))
	s, target := newTestSession(t, srv)
	card := fixtureCard()
	if err := s.Send(context.Background(), target, bot.Message{Card: card}); err != nil {
		t.Fatal(err)
	}
	ac, _ := f.bodies[0]["actionCard"].(map[string]any)
	if f.bodies[0]["msgtype"] != "actionCard" || ac["singleURL"] != card.URL || ac["singleTitle"] != "查看详情" ||
		strings.Contains(ac["text"].(string), card.URL) {
		t.Errorf("body %v", f.bodies[0])
	}
}

func TestSessionCommandOption(t *testing.T) {
	f, srv := newFakeSession(t, errcode(0, "ok"))
	s, target := newTestSession(t, srv, WithCommandText(func(b bot.Button) string { return "@水务助手 " + b.Key }))
	card := fixtureCard()
	card.Buttons = []bot.Button{{Key: "accept:TS1", Text: "接单"}}
	if err := s.Send(context.Background(), target, bot.Message{Card: card}); err != nil {
		t.Fatal(err)
	}
	text := f.bodies[0]["markdown"].(map[string]any)["text"].(string)
	if !strings.Contains(text, "content=%40%E6%B0%B4%E5%8A%A1%E5%8A%A9%E6%89%8B%20accept%3ATS1)") {
		t.Errorf("markdown:\n%s", text)
	}
}

func TestSessionSSRF(t *testing.T) {
	f, srv := newFakeSession(t, errcode(0, "ok"))
	s, target := newTestSession(t, srv)
	base := srv.URL + "/robot/sendBySession"
	host := strings.TrimPrefix(srv.URL, "http://")
	bad := []string{
		"https://evil.example.com/robot/sendBySession?session=x",
		"http://169.254.169.254/latest/meta-data/",
		"https://oapi.dingtalk.com/robot/sendBySession?session=x", // not configured here
		"http://" + host + "/robot/send?access_token=x",
		"http://" + host + "/robot/sendBySessionX?session=x",
		"http://" + host + "/robot/sendBySession/../send?session=x",
		"http://" + host + "/robot/sendBySession/%2e%2e/send?session=x",
		"http://user:pw@" + host + "/robot/sendBySession?session=x",
		"http://" + host + ".evil.example.com/robot/sendBySession?session=x",
		"https://" + host + "/robot/sendBySession?session=x", // scheme differs
		"//" + host + "/robot/sendBySession?session=x",
		"/robot/sendBySession?session=x",
		"",
		"::",
		base + "#frag",
	}
	for _, target := range bad {
		err := s.Send(context.Background(), target, bot.Message{Text: "x"})
		if !errors.Is(err, bot.ErrPermanent) {
			t.Errorf("%q: err = %v, want permanent refusal", target, err)
		}
	}
	if f.count() != 0 {
		t.Fatalf("%d requests reached the server", f.count())
	}
	if !s.Allowed(target) || !s.Allowed(base+"/sub?session=x") {
		t.Error("the configured base is refused")
	}
	def, err := NewSessionSender([]string{DefaultSessionBase})
	if err != nil || !def.Allowed("https://oapi.dingtalk.com/robot/sendBySession?session=abc") ||
		def.Allowed("http://oapi.dingtalk.com/robot/sendBySession?session=abc") {
		t.Errorf("default base: %v", err)
	}
}

func TestSessionNoRedirect(t *testing.T) {
	var hit bool
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hit = true }))
	defer other.Close()
	_, srv := newFakeSession(t, func(w http.ResponseWriter) {
		w.Header().Set("Location", other.URL)
		w.WriteHeader(http.StatusTemporaryRedirect)
	})
	s, target := newTestSession(t, srv)
	err := s.Send(context.Background(), target, bot.Message{Text: "x"})
	if !errors.Is(err, bot.ErrPermanent) || hit {
		t.Fatalf("err = %v, redirect followed: %v", err, hit)
	}
}

func TestNewSessionSenderBadBase(t *testing.T) {
	for _, base := range [][]string{nil, {""}, {"oapi.dingtalk.com"}, {"ftp://x/y"}, {"https://u:p@x/"}} {
		if _, err := NewSessionSender(base); err == nil {
			t.Errorf("%q accepted", base)
		}
	}
}

func TestSessionSendErrors(t *testing.T) {
	wait := 7 * time.Minute
	tests := []struct {
		name      string
		reply     func(w http.ResponseWriter)
		permanent bool
		retry     time.Duration
		status    int
	}{
		{"expired session", errcode(300001, "session 不存在"), true, 0, 200},
		{"too fast", errcode(130101, "send too fast"), false, wait, 200},
		{"throttled", errcode(410100, "限流"), false, wait, 200},
		{"bad type", errcode(400105, "不支持的消息类型"), true, 0, 200},
		{"unknown errcode", errcode(999999, "?"), false, 0, 200},
		{"no errcode", func(w http.ResponseWriter) { _, _ = io.WriteString(w, `{"ok":true}`) }, false, 0, 200},
		{"http 429", status(http.StatusTooManyRequests), false, wait, 429},
		{"http 502", status(http.StatusBadGateway), false, 0, 502},
		{"http 404", status(http.StatusNotFound), true, 0, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, srv := newFakeSession(t, tt.reply)
			s, target := newTestSession(t, srv, WithRateLimitWait(wait))
			err := s.Send(context.Background(), target, bot.Message{Text: "x"})
			checkErr(t, err, tt.permanent, tt.retry, tt.status)
			if strings.Contains(err.Error(), testSession) || !strings.Contains(err.Error(), "session=3d3a****") {
				t.Errorf("session not masked: %v", err)
			}
		})
	}
}

func TestSessionTransportError(t *testing.T) {
	_, srv := newFakeSession(t, errcode(0, "ok"))
	s, target := newTestSession(t, srv)
	srv.Close()
	err := s.Send(context.Background(), target, bot.Message{Text: "x"})
	if err == nil || errors.Is(err, bot.ErrPermanent) || strings.Contains(err.Error(), testSession) {
		t.Fatalf("err = %v, want retryable without the session", err)
	}
}

func TestSessionEmptyMessage(t *testing.T) {
	f, srv := newFakeSession(t, errcode(0, "ok"))
	s, target := newTestSession(t, srv)
	if err := s.Send(context.Background(), target, bot.Message{Text: "  "}); !errors.Is(err, bot.ErrPermanent) {
		t.Fatalf("err = %v", err)
	}
	if f.count() != 0 {
		t.Fatal("empty message sent")
	}
}

func status(code int) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) { w.WriteHeader(code) }
}

// checkErr checks the kind of a send error (see checkSendError for robots).
func checkErr(t *testing.T, err error, permanent bool, retryAfter time.Duration, status int) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	if got := errors.Is(err, bot.ErrPermanent); got != permanent {
		t.Errorf("permanent = %v, want %v (%v)", got, permanent, err)
	}
	var ra *bot.RetryAfterError
	if got := errors.As(err, &ra); got != (retryAfter > 0) || (got && ra.After != retryAfter) {
		t.Errorf("retry after: %v, want %v (%v)", got, retryAfter, err)
	}
	var hs interface{ HTTPStatus() int }
	if status != 0 && (!errors.As(err, &hs) || hs.HTTPStatus() != status) {
		t.Errorf("http status not %d: %v", status, err)
	}
}

// jsonEqual compares two JSON-shaped values by their encoding.
func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
