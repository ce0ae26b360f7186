package handlers

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
)

// The server's write timeout bounds every response, except the report
// and file downloads, which may take minutes to build or send.
func TestLongDownloadsOutliveTheWriteTimeout(t *testing.T) {
	h := New(Deps{Logger: slog.New(slog.DiscardHandler)})
	slow := func(c *gin.Context) { time.Sleep(400 * time.Millisecond); c.String(http.StatusOK, "done") }
	h.GET("/api/v1/reports/test-slow", slow)
	h.GET("/test-slow", slow)
	srv := httptest.NewUnstartedServer(h)
	srv.Config.WriteTimeout = 200 * time.Millisecond
	srv.Start()
	t.Cleanup(srv.Close)
	get := func(path string) (string, error) {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return string(b), err
	}
	if body, err := get("/api/v1/reports/test-slow"); err != nil || body != "done" {
		t.Fatalf("a report download was cut: %q, %v", body, err)
	}
	if body, err := get("/test-slow"); err == nil && body == "done" {
		t.Fatal("an ordinary route outlived the write timeout")
	}
}
