package handlers

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"tapline/models"
)

// IdempotencyHeader names a write request so that a retry of it is
// answered with the first answer instead of being done again.
const IdempotencyHeader = "Idempotency-Key"

// idempotencyStale is when a claimed key whose request never finished (a
// replica died) may be taken over.
const idempotencyStale = 2 * time.Minute

const idemKey = "idempotency_id"

// idempotencyKey returns the scoped, hashed key of this request ("" if it
// has none): filing passes it on as the case's draft key, so even a key
// whose record expired files one case.
func idempotencyKey(c *gin.Context) string { return c.GetString(idemKey) }

// idempotent makes a POST safe to retry with an Idempotency-Key: the key
// (per caller) is claimed in the database that every replica shares; the
// same key and body answer the first result (Idempotent-Replayed: true),
// another body with the same key is 422, a retry while the first request
// still runs is 409. Server errors (5xx) are not kept: the key may be
// retried.
func (s *Server) idempotent(c *gin.Context) {
	key := c.GetHeader(IdempotencyHeader)
	if key == "" {
		c.Next()
		return
	}
	if len(key) > 200 || strings.IndexFunc(key, func(r rune) bool { return r < 0x21 || r > 0x7e }) >= 0 {
		s.fail(c, invalid(IdempotencyHeader, "须为 1 到 200 个可见 ASCII 字符"))
		return
	}
	if s.Idempotency == nil {
		s.fail(c, models.Errorf(models.EUNAVAILABLE, "idempotency keys are not configured"))
		return
	}
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		answer(c, probTooLarge, "请求体超过 1 MiB。")
		return
	}
	c.Request.Body = io.NopCloser(bytes.NewReader(body))
	rec := &models.IdempotencyRecord{ID: digest(principal(c).Reader(), key),
		RequestHash: digest(c.Request.Method, c.Request.URL.Path, string(body))}
	prior, err := s.Idempotency.ClaimIdempotency(c.Request.Context(), rec, idempotencyStale)
	switch {
	case err != nil && models.ErrorCode(err) == models.ECONFLICT:
		c.Header("Retry-After", "1")
		answer(c, probKeyRunning, models.ErrorMessage(err))
		return
	case err != nil:
		s.fail(c, err)
		return
	case prior != nil:
		s.replay(c, rec, prior)
		return
	}
	c.Set(idemKey, rec.ID)
	w := &capture{ResponseWriter: c.Writer}
	c.Writer = w
	c.Next()
	s.keep(c, rec.ID, w)
}

// replay answers a request whose key was claimed before.
func (s *Server) replay(c *gin.Context, rec, prior *models.IdempotencyRecord) {
	switch {
	case prior.RequestHash != rec.RequestHash:
		answer(c, probKeyReused, "这个 Idempotency-Key 已用于另一个请求（方法、路径或请求体不同）；新请求请换一个新的 key。")
	case prior.Status == 0:
		c.Header("Retry-After", "1")
		answer(c, probKeyRunning, "同一个 Idempotency-Key 的请求正在处理，请稍后重试。")
	default:
		var h map[string]string
		_ = json.Unmarshal([]byte(prior.Headers), &h)
		for k, v := range h {
			c.Header(k, v)
		}
		c.Header("Idempotent-Replayed", "true")
		c.Data(prior.Status, prior.ContentType, []byte(prior.Body))
		c.Abort()
	}
}

// keptHeaders are the answer headers a replay repeats.
var keptHeaders = []string{"Location", "ETag", "Link"}

// keep stores the answer of a claimed key, or releases the key after a
// server error.
func (s *Server) keep(c *gin.Context, id string, w *capture) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), 5*time.Second)
	defer cancel()
	var err error
	if st := w.Status(); st >= 500 {
		err = s.Idempotency.ReleaseIdempotency(ctx, id)
	} else {
		h := map[string]string{}
		for _, k := range keptHeaders {
			if v := w.Header().Get(k); v != "" {
				h[k] = v
			}
		}
		hb, _ := json.Marshal(h)
		err = s.Idempotency.FinishIdempotency(ctx, id, st, w.Header().Get("Content-Type"), string(hb), w.buf.String())
	}
	if err != nil {
		s.log.Error("idempotency record not kept", "request_id", c.GetString(requestIDKey), "err", err)
	}
}

// noIdempotency refuses an Idempotency-Key on a route whose answer holds a
// credential shown once (it would have to be stored to be repeated).
func (s *Server) noIdempotency(c *gin.Context) {
	if c.GetHeader(IdempotencyHeader) != "" {
		s.fail(c, invalid(IdempotencyHeader, "此接口不接受 Idempotency-Key：答复中的密钥只显示一次，不会保存以供重放"))
		return
	}
	c.Next()
}

// capture keeps a copy of what a handler writes.
type capture struct {
	gin.ResponseWriter
	buf bytes.Buffer
}

// Write implements http.ResponseWriter.
func (w *capture) Write(b []byte) (int, error) {
	w.buf.Write(b)
	return w.ResponseWriter.Write(b)
}

// WriteString implements io.StringWriter.
func (w *capture) WriteString(s string) (int, error) {
	w.buf.WriteString(s)
	return w.ResponseWriter.WriteString(s)
}

// digest is the SHA-256 (hex) of the parts, NUL-separated.
func digest(parts ...string) string {
	h := sha256.New()
	for i, p := range parts {
		if i > 0 {
			h.Write([]byte{0})
		}
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// precondition reads If-Match (the case version, as its ETag gives it) and
// returns the request context carrying it to the store, which refuses a
// transition decided on any other version (412). A stale version is
// refused at once.
func (s *Server) precondition(c *gin.Context) (context.Context, error) {
	ctx := c.Request.Context()
	h := strings.TrimSpace(c.GetHeader("If-Match"))
	if h == "" || h == "*" {
		return ctx, nil
	}
	v, err := strconv.Atoi(strings.Trim(h, `"`))
	if err != nil || v < 1 || strings.HasPrefix(h, "W/") {
		return ctx, invalid("If-Match", "须为投诉的版本号（读取投诉时 ETag 给出的值，如 \"3\"）")
	}
	cs, err := s.Cases.FindCaseByNumber(ctx, c.Param("number"))
	if err != nil {
		return ctx, err
	}
	if err := principal(c).CanSee(s.Desk.Policy, cs); err != nil {
		return ctx, err
	}
	if cs.Version != v {
		return ctx, models.Errorf(models.EPRECONDITION, "投诉 %s 已是第 %d 版（If-Match 给的是第 %d 版）：有人刚刚办理过，请重新读取后再操作。",
			cs.Number, cs.Version, v)
	}
	return models.WithExpectedVersion(ctx, cs.ID, v), nil
}

var _ http.ResponseWriter = (*capture)(nil)
