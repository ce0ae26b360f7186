package handlers

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
)

// Issue 13 item 3: the client address (the per-address password limit's
// key) comes from X-Forwarded-For only when the request comes from a
// configured proxy; by default no proxy is trusted.
func TestClientAddressTrustsOnlyConfiguredProxies(t *testing.T) {
	tests := []struct {
		name    string
		proxies []string
		want    string
	}{
		{"no proxies configured", nil, "192.0.2.10"},
		{"another proxy", []string{"198.51.100.0/24"}, "192.0.2.10"},
		{"the peer is a trusted proxy", []string{"192.0.2.0/24"}, "203.0.113.7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := New(Deps{Logger: slog.New(slog.DiscardHandler), TrustedProxies: tt.proxies})
			h.GET("/test/client", func(c *gin.Context) { c.String(http.StatusOK, c.ClientIP()) })
			req := httptest.NewRequest(http.MethodGet, "/test/client", nil)
			req.RemoteAddr = "192.0.2.10:40000"
			req.Header.Set("X-Forwarded-For", "203.0.113.7")
			req.Header.Set("X-Real-IP", "203.0.113.8")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if got := w.Body.String(); got != tt.want {
				t.Fatalf("client address %q, want %q", got, tt.want)
			}
		})
	}
}
