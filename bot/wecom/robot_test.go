package wecom

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"tapline/bot"
)

const testKey = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"

// fakeRobot is an httptest fake of the WeCom group robot API. It checks the
// request and answers as told by reply.
type fakeRobot struct {
	t       *testing.T
	reply   func(w http.ResponseWriter, r *http.Request)
	mu      sync.Mutex
	bodies  []map[string]any
	release chan struct{}
}

func newFakeRobot(t *testing.T, reply func(w http.ResponseWriter, r *http.Request)) (*fakeRobot, *httptest.Server) {
	f := &fakeRobot{t: t, reply: reply, release: make(chan struct{})}
	srv := httptest.NewServer(f)
	t.Cleanup(func() { close(f.release); srv.Close() })
	return f, srv
}

func (f *fakeRobot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/cgi-bin/webhook/send" {
		f.t.Errorf("request %s %s", r.Method, r.URL.Path)
	}
	if got := r.URL.Query().Get("key"); got != testKey {
		f.t.Errorf("key = %q", got)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		f.t.Errorf("content type %q", ct)
	}
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		f.t.Errorf("body: %v", err)
	}
	f.mu.Lock()
	f.bodies = append(f.bodies, body)
	f.mu.Unlock()
	f.reply(w, r)
}

func answer(code int, msg string) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"errcode": code, "errmsg": msg})
	}
}

func TestRobotSendOK(t *testing.T) {
	f, srv := newFakeRobot(t, answer(0, "ok"))
	r := NewRobot(WithRobotBaseURL(srv.URL + "/"))
	if err := r.Send(context.Background(), testKey, bot.Message{Card: fixtureCard()}); err != nil {
		t.Fatal(err)
	}
	if err := r.Send(context.Background(), testKey, bot.Message{Text: "工单已办结"}); err != nil {
		t.Fatal(err)
	}
	if len(f.bodies) != 2 {
		t.Fatalf("%d requests", len(f.bodies))
	}
	md := f.bodies[0]["markdown"].(map[string]any)["content"].(string)
	if f.bodies[0]["msgtype"] != "markdown" || !strings.Contains(md, "【重大】") || !strings.Contains(md, "TS20240501-0007") {
		t.Errorf("card body %v", f.bodies[0])
	}
	txt := f.bodies[1]["text"].(map[string]any)["content"]
	if f.bodies[1]["msgtype"] != "text" || txt != "工单已办结" {
		t.Errorf("text body %v", f.bodies[1])
	}
}

func TestRobotSendErrors(t *testing.T) {
	tests := []struct {
		name       string
		reply      func(w http.ResponseWriter, r *http.Request)
		timeout    time.Duration
		permanent  bool
		retryAfter time.Duration // >0: expect a RetryAfterError
		status     int           // expected HTTPStatus, 0: not checked
	}{
		{name: "frequency limit 45009", reply: answer(45009, "api freq out of limit"), retryAfter: time.Minute, status: 200},
		{name: "send too fast 130101", reply: answer(130101, "send too fast"), retryAfter: time.Minute, status: 200},
		{name: "invalid webhook 93000", reply: answer(93000, "invalid webhook url, key="+testKey), permanent: true, status: 200},
		{name: "invalid type 40008", reply: answer(40008, "invalid message type"), permanent: true, status: 200},
		{name: "unknown errcode retryable", reply: answer(-1, "system busy"), status: 200},
		{name: "http 500", reply: func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", 500) }, status: 500},
		{name: "http 200 without json", reply: func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<html>")) }, status: 200},
		{name: "http 404", reply: func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }, permanent: true, status: 404},
		{name: "http 429", reply: func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(429) }, retryAfter: time.Minute, status: 429},
		{name: "slow server times out", timeout: 50 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, srv := newFakeRobot(t, tt.reply)
			if tt.reply == nil {
				f.reply = func(w http.ResponseWriter, r *http.Request) {
					select {
					case <-r.Context().Done():
					case <-f.release:
					}
				}
			}
			opts := []RobotOption{WithRobotBaseURL(srv.URL)}
			if tt.timeout > 0 {
				opts = append(opts, WithRobotHTTPClient(&http.Client{Timeout: tt.timeout}))
			}
			err := NewRobot(opts...).Send(context.Background(), testKey, bot.Message{Text: "测试"})
			checkSendError(t, err, tt.permanent, tt.retryAfter, tt.status)
		})
	}
}

func checkSendError(t *testing.T, err error, permanent bool, retryAfter time.Duration, status int) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	if strings.Contains(err.Error(), testKey) || !strings.Contains(err.Error(), "693a****") {
		t.Errorf("error does not mask the key: %v", err)
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

func TestRobotSendEmptyKey(t *testing.T) {
	err := NewRobot().Send(context.Background(), "", bot.Message{Text: "x"})
	if !errors.Is(err, bot.ErrPermanent) {
		t.Fatalf("err = %v", err)
	}
}
