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
	if resp, body := httpGet(t, m[1]); resp != 200 || !strings.Contains(body, "tapline_http_requests_total") {
		t.Fatalf("metrics listener: %d", resp)
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
