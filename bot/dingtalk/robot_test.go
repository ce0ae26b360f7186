package dingtalk

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"tapline/bot"
)

const (
	testToken  = "50cb6e954c89afa14fb97754eafd886d658fcda27d05015a26b474e7bd2f0a59"
	testSecret = "SEC5a3ecf88f2b3eb50db30ecfc00f53033ac909c99bf7f88fd612bda89d7f3a9dc"
)

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

var testNow = time.Date(2024, 5, 1, 2, 30, 0, 123e6, time.UTC)

// fakeRobot is an httptest fake of the DingTalk custom robot API. It checks
// token, timestamp and signature (recomputed with independentSign) and the
// JSON body, then answers as told by reply.
type fakeRobot struct {
	t       *testing.T
	secret  string
	reply   func(w http.ResponseWriter, r *http.Request)
	mu      sync.Mutex
	bodies  []map[string]any
	release chan struct{}
}

func newFakeRobot(t *testing.T, secret string, reply func(w http.ResponseWriter, r *http.Request)) (*fakeRobot, *httptest.Server) {
	f := &fakeRobot{t: t, secret: secret, reply: reply, release: make(chan struct{})}
	srv := httptest.NewServer(f)
	t.Cleanup(func() { close(f.release); srv.Close() })
	return f, srv
}

func (f *fakeRobot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if r.Method != http.MethodPost || r.URL.Path != "/robot/send" || q.Get("access_token") != testToken {
		f.t.Errorf("request %s %s token %q", r.Method, r.URL.Path, q.Get("access_token"))
	}
	f.checkSign(q.Get("timestamp"), q.Get("sign"))
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		f.t.Errorf("body: %v", err)
	}
	f.mu.Lock()
	f.bodies = append(f.bodies, body)
	f.mu.Unlock()
	f.reply(w, r)
}

func (f *fakeRobot) checkSign(ts, sign string) {
	if f.secret == "" {
		if ts != "" || sign != "" {
			f.t.Errorf("unsigned robot got timestamp %q sign %q", ts, sign)
		}
		return
	}
	ms, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || ms != testNow.UnixMilli() {
		f.t.Errorf("timestamp %q, want %d", ts, testNow.UnixMilli())
	}
	if want := independentSign(ms, f.secret); sign != want {
		f.t.Errorf("sign %q, want %q", sign, want)
	}
}

func answer(code int, msg string) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{"errcode": code, "errmsg": msg})
	}
}

func newTestRobot(srv *httptest.Server, opts ...RobotOption) *Robot {
	return NewRobot(append([]RobotOption{WithRobotBaseURL(srv.URL), WithRobotClock(fixedClock{testNow})}, opts...)...)
}

func TestRobotSendOK(t *testing.T) {
	for _, secret := range []string{testSecret, ""} {
		f, srv := newFakeRobot(t, secret, answer(0, "ok"))
		r := newTestRobot(srv)
		target := Target(testToken, secret)
		if err := r.Send(context.Background(), target, bot.Message{Card: fixtureCard()}); err != nil {
			t.Fatal(err)
		}
		if err := r.Send(context.Background(), target, bot.Message{Text: "工单已办结"}); err != nil {
			t.Fatal(err)
		}
		if len(f.bodies) != 2 {
			t.Fatalf("%d requests", len(f.bodies))
		}
		md := f.bodies[0]["markdown"].(map[string]any)
		if f.bodies[0]["msgtype"] != "markdown" || md["title"] != "【重大】停水投诉 TS20240501-0007" ||
			!strings.Contains(md["text"].(string), "- **工单号**：TS20240501-0007") {
			t.Errorf("card body %v", f.bodies[0])
		}
		if f.bodies[1]["msgtype"] != "text" || f.bodies[1]["text"].(map[string]any)["content"] != "工单已办结" {
			t.Errorf("text body %v", f.bodies[1])
		}
		if _, ok := f.bodies[0]["at"]; ok {
			t.Error("card carries an at block")
		}
	}
}

func TestRobotSendErrors(t *testing.T) {
	tests := []struct {
		name       string
		reply      func(w http.ResponseWriter, r *http.Request)
		timeout    time.Duration
		permanent  bool
		retryAfter time.Duration
		status     int
	}{
		{name: "send too fast 130101", reply: answer(130101, "send too fast, exceed 20 times per minute"), retryAfter: time.Minute, status: 200},
		{name: "sign mismatch 310000", reply: answer(310000, "sign not match, more: [timestamp=1, sign="+testSecret+"]"), permanent: true, status: 200},
		{name: "invalid token 300001", reply: answer(300001, "token is not exist "+testToken), permanent: true, status: 200},
		{name: "robot disabled 400102", reply: answer(400102, "机器人已停用"), permanent: true, status: 200},
		{name: "unknown errcode retryable", reply: answer(-1, "系统繁忙"), status: 200},
		{name: "http 500", reply: func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) }, status: 500},
		{name: "http 200 not json", reply: func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }, status: 200},
		{name: "http 403", reply: func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(403) }, permanent: true, status: 403},
		{name: "slow server times out", timeout: 50 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, srv := newFakeRobot(t, testSecret, tt.reply)
			if tt.reply == nil {
				f.reply = func(w http.ResponseWriter, r *http.Request) {
					select {
					case <-r.Context().Done():
					case <-f.release:
					}
				}
			}
			var opts []RobotOption
			if tt.timeout > 0 {
				opts = append(opts, WithRobotHTTPClient(&http.Client{Timeout: tt.timeout}))
			}
			err := newTestRobot(srv, opts...).Send(context.Background(), Target(testToken, testSecret), bot.Message{Text: "测试"})
			checkSendError(t, err, tt.permanent, tt.retryAfter, tt.status)
		})
	}
}

func checkSendError(t *testing.T, err error, permanent bool, retryAfter time.Duration, status int) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	s := err.Error()
	if strings.Contains(s, testToken) || strings.Contains(s, testSecret) || !strings.Contains(s, "50cb****") {
		t.Errorf("error does not mask the credentials: %v", err)
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

func TestRobotSendEmptyToken(t *testing.T) {
	err := NewRobot().Send(context.Background(), "|SECx", bot.Message{Text: "x"})
	if !errors.Is(err, bot.ErrPermanent) {
		t.Fatalf("err = %v", err)
	}
}
