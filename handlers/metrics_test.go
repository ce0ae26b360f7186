package handlers

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Issue 13 item 9: /metrics is not served on the public listener unless a
// metrics token is configured, and then only with that token.
func TestMetricsNotPublic(t *testing.T) {
	e := newEnv(t, time.Second)
	if resp, body := get(t, e.srv.URL+"/metrics"); resp.StatusCode != http.StatusNotFound || strings.Contains(body, "tapline_") {
		t.Fatalf("public /metrics without a token configured: %d", resp.StatusCode)
	}
	const token = "metrics-token-0123456789"
	e = newEnvWith(t, envOpts{budget: time.Second, deps: func(d *Deps) { d.MetricsToken = token }})
	for _, tc := range []struct {
		auth string
		want int
	}{{"", 401}, {"Bearer wrong", 401}, {"Bearer " + token, 200}} {
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/metrics", nil)
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("Authorization %q: %d, want %d", tc.auth, resp.StatusCode, tc.want)
		}
	}
}

// The separate metrics listener's handler serves the registry.
func TestMetricsHandler(t *testing.T) {
	e := newEnv(t, time.Second)
	get(t, e.srv.URL+"/healthz")
	w := httptest.NewRecorder()
	MetricsHandler(e.metrics).ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if w.Code != 200 || !strings.Contains(w.Body.String(), "tapline_http_requests_total") {
		t.Fatalf("metrics handler: %d %s", w.Code, w.Body.String())
	}
}

// Refused requests are logged at most a few a second; the next line says
// how many were held back (the probe caused 2 129 lines in five seconds).
func TestRefusalWarningsAreRateLimited(t *testing.T) {
	var buf syncBuf
	e := newEnvWith(t, envOpts{budget: time.Second, deps: func(d *Deps) { d.Logger = slog.New(slog.NewTextHandler(&buf, nil)) }})
	start := time.Now()
	for range 300 {
		if code := dingPost(t, e, time.Now().UnixMilli(), "AAAA", []byte("{}")); code != 403 {
			t.Fatalf("forged: %d", code)
		}
	}
	elapsed := time.Since(start)
	lines := strings.Count(buf.String(), "request refused")
	if limit := refusalBurst + int(elapsed.Seconds()*refusalRate) + 1; lines > limit {
		t.Fatalf("%d refusal lines for 300 refusals in %v; at most %d allowed", lines, elapsed, limit)
	}
	time.Sleep(time.Second) // room for one more line, which reports the rest
	dingPost(t, e, time.Now().UnixMilli(), "AAAA", []byte("{}"))
	if !strings.Contains(buf.String(), "suppressed=") {
		t.Fatalf("no line says how many were held back:\n%s", buf.String())
	}
}

// syncBuf is a log sink safe for the handlers' goroutines.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
