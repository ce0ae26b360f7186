package systemtest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

var caseNumber = regexp.MustCompile(`TS\d{8}-\d{4}`)

// robotAnswer is what the fake robot does with one request: an HTTP status
// and body, or block until the client goes away (a hung platform).
type robotAnswer struct {
	status int
	body   string
	hang   bool
}

var robotOK = robotAnswer{status: 200, body: `{"errcode":0,"errmsg":"ok"}`}

// fakeRobot plays the WeCom group-robot webhook
// (POST /cgi-bin/webhook/send?key=K). It records every request and answers
// with script(n, key, body) for the n-th request to that key (from 1),
// robotOK by default.
type fakeRobot struct {
	srv    *httptest.Server
	mu     sync.Mutex
	bodies []string       // every request body, in arrival order
	perKey map[string]int // requests per robot key
	hits   chan string
	script func(n int, key, body string) robotAnswer
}

func newFakeRobot(t testing.TB, script func(n int, key, body string) robotAnswer) *fakeRobot {
	f := &fakeRobot{script: script, hits: make(chan string, 1024), perKey: map[string]int{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeRobot) serve(w http.ResponseWriter, r *http.Request) {
	key := r.URL.Query().Get("key")
	if r.URL.Path == "/cgi-bin/webhook/upload_media" && key != "" { // a ledger workbook (issue 5): not counted
		_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok","type":"file","media_id":"m-1"}`)
		return
	}
	if r.URL.Path != "/cgi-bin/webhook/send" || key == "" {
		http.NotFound(w, r)
		return
	}
	b, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.bodies = append(f.bodies, string(b))
	f.perKey[key]++
	n := f.perKey[key]
	f.mu.Unlock()
	select {
	case f.hits <- string(b):
	default:
	}
	a := robotOK
	if f.script != nil {
		a = f.script(n, key, string(b))
	}
	if a.hang {
		<-r.Context().Done() // until the client gives up or dies
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(a.status)
	_, _ = io.WriteString(w, a.body)
}

// perCase counts the requests received per case number in the body.
func (f *fakeRobot) perCase() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := map[string]int{}
	for _, b := range f.bodies {
		m[caseNumber.FindString(b)]++
	}
	return m
}

// keyCount returns how many requests arrived for key.
func (f *fakeRobot) keyCount(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.perKey[key]
}

// count returns how many requests about a case arrived (digests of
// reminders and the monthly ledger name no single case).
func (f *fakeRobot) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, b := range f.bodies {
		if caseNumber.MatchString(b) {
			n++
		}
	}
	return n
}

// policyWithRobots copies configs/policy.yaml with a WeCom robot key for
// every department group (key-1, key-2, …) and returns its path.
func policyWithRobots(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "configs/policy.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(string(b), `wecom_robot_key: ""`)
	var out strings.Builder
	for i, p := range parts {
		out.WriteString(p)
		if i < len(parts)-1 {
			out.WriteString(`wecom_robot_key: "key-` + string(rune('a'+i)) + `"`)
		}
	}
	path := filepath.Join(t.TempDir(), "policy.yaml")
	if err := os.WriteFile(path, []byte(out.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
