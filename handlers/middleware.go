package handlers

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"tapline/models"
)

const requestIDKey = "request_id"

// requestID tags each request with an ID (from X-Request-ID when it is
// sane) that every log line of the request carries.
func (s *Server) requestID(c *gin.Context) {
	id := c.GetHeader("X-Request-ID")
	if len(id) == 0 || len(id) > 64 || strings.ContainsAny(id, " \r\n") {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		id = hex.EncodeToString(b)
	}
	c.Set(requestIDKey, id)
	c.Header("X-Request-ID", id)
	c.Next()
}

// observe logs and counts each request. It logs the route, never the
// query (signatures) or the body (personal data).
func (s *Server) observe(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	code := c.Writer.Status()
	if s.Metrics != nil {
		s.Metrics.Requests.WithLabelValues(route, strconv.Itoa(code)).Inc()
		s.Metrics.Latency.WithLabelValues(route).Observe(time.Since(start).Seconds())
	}
	if route != "/healthz" && route != "/metrics" {
		s.log.Debug("request", "request_id", c.GetString(requestIDKey), "method", c.Request.Method,
			"route", route, "status", code, "ms", time.Since(start).Milliseconds())
	}
}

// recovered answers 500 after a panic; the panic value is logged without
// the request.
func (s *Server) recovered(c *gin.Context, err any) {
	s.log.Error("panic in handler", "request_id", c.GetString(requestIDKey), "route", c.FullPath(), "panic", err)
	answer(c, codes[models.EINTERNAL], "服务器内部错误，请稍后重试。")
}

// limitBody makes reading more than MaxBody bytes fail (→ 413).
func limitBody(c *gin.Context) {
	if c.Request.ContentLength > MaxBody {
		answer(c, probTooLarge, "请求体超过 1 MiB。")
		return
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, MaxBody)
	c.Next()
}

// longWrites are the routes whose response may take longer than the
// server's write timeout: a month's ledger and charts are built before
// they are sent, and a stored file may be tens of megabytes.
var longWrites = []string{"/api/v1/reports/", "/console/reports/", "/files/"}

// LongWriteTimeout is how long the responses of longWrites may take.
const LongWriteTimeout = 10 * time.Minute

// extendWrites moves the write deadline of a long download out to
// LongWriteTimeout; every other response keeps the server's.
func extendWrites(c *gin.Context) {
	for _, prefix := range longWrites {
		if strings.HasPrefix(c.Request.URL.Path, prefix) {
			_ = http.NewResponseController(c.Writer).SetWriteDeadline(time.Now().Add(LongWriteTimeout))
			break
		}
	}
	c.Next()
}
