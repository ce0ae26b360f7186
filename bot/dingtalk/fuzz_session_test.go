package dingtalk

import (
	"net/http"
	"strings"
	"testing"
)

// FuzzSessionAllowed feeds arbitrary sessionWebhook URLs (they come from
// the callback body) to SessionSender.Allowed. It must never panic, and a
// URL it allows must be one that net/http would POST to the allowed host
// over https under /robot/sendBySession: no forged payload may redirect a
// reply elsewhere (SSRF).
func FuzzSessionAllowed(f *testing.F) {
	for _, s := range []string{
		DefaultSessionBase + "?session=abc",
		"https://oapi.dingtalk.com/robot/sendBySession/../../evil?session=x",
		"https://oapi.dingtalk.com@evil.com/robot/sendBySession",
		"https://evil.com\\@oapi.dingtalk.com/robot/sendBySession",
		"https://OAPI.dingtalk.com:443/robot/sendBySession",
		"https://oapi.dingtalk.com.evil.com/robot/sendBySession",
		"http://oapi.dingtalk.com/robot/sendBySession",
		"https://oapi.dingtalk.com/robot/sendBySessionX",
		"https://oapi.dingtalk.com/robot/sendBySession%2f..%2f..%2fx",
		"https://oapi.dingtalk.com%2eevil.com/robot/sendBySession",
		"//oapi.dingtalk.com/robot/sendBySession",
		"https://[::1]/robot/sendBySession",
		"https://oapi.dingtalk.com/robot/sendBySession#x",
		"https://oapi.dingtalk.com/robot/sendBySession?session=" + strings.Repeat("水", 5000),
	} {
		f.Add(s)
	}
	s, err := NewSessionSender([]string{DefaultSessionBase})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, target string) {
		if !s.Allowed(target) {
			return
		}
		req, err := http.NewRequest(http.MethodPost, target, nil)
		if err != nil {
			t.Fatalf("allowed %q, which net/http refuses: %v", target, err)
		}
		u := req.URL
		if u.Scheme != "https" || !strings.EqualFold(u.Hostname(), "oapi.dingtalk.com") || u.Port() != "" ||
			(u.Path != "/robot/sendBySession" && !strings.HasPrefix(u.Path, "/robot/sendBySession/")) ||
			dotSegment(u.Path) {
			t.Fatalf("allowed %q: scheme %q host %q port %q path %q", target, u.Scheme, u.Hostname(), u.Port(), u.EscapedPath())
		}
		if got := maskSession(target); strings.Contains(got, u.Query().Get("session")) && len(u.Query().Get("session")) > 8 {
			t.Fatalf("maskSession(%q) = %q shows the session", target, got)
		}
	})
}

// dotSegment reports whether a decoded path has a "." or ".." segment.
func dotSegment(p string) bool {
	for _, seg := range strings.Split(p, "/") {
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}
