package main

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

var metricsAt = regexp.MustCompile(`Metrics: (http://[0-9.:]+/metrics)`)

// Issue 13 item 9: /metrics is served on metrics_addr, not on the public
// listener.
func TestMetricsOnTheirOwnListener(t *testing.T) {
	env := e2eEnv(t)
	out := &syncBuffer{}
	base := startServerOut(t, env, out)
	m := metricsAt.FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("the banner names no metrics listener:\n%s", out.String())
	}
	httpGet(t, base+"/healthz") // counted, then scraped
	resp, body := httpGet(t, m[1])
	if resp != 200 || !strings.Contains(body, "tapline_http_requests_total") {
		t.Fatalf("metrics listener: %d", resp)
	}
	// Issue 18: the round trips to Redis (and MySQL where it runs) are
	// counted; start-up alone pings, migrates and reads.
	for _, backend := range backendsOf(env) {
		if !regexp.MustCompile(`tapline_backend_round_trips_total\{backend="` + backend + `"\} [1-9]`).MatchString(body) {
			t.Errorf("no %s round trips counted:\n%s", backend, grepLines(body, "round_trips"))
		}
	}
	if resp, _ := httpGet(t, base+"/metrics"); resp != 404 {
		t.Fatalf("public /metrics: %d", resp)
	}
}

func httpGet(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// backendsOf names the backends whose round trips a server on env counts:
// Redis always (the embedded one too), MySQL when it runs on one.
func backendsOf(env map[string]string) []string {
	if env["TAPLINE_MYSQL_DSN"] != "" || env["MYSQL_DSN"] != "" {
		return []string{"redis", "mysql"}
	}
	return []string{"redis"}
}

// grepLines returns the lines of s containing sub.
func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
