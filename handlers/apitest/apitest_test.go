package apitest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const doc = `openapi: 3.1.0
info: {title: t, version: "1"}
servers: [{url: /api/v1}]
paths:
  /things/{id}:
    get:
      operationId: getThing
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
        - {name: full, in: query, schema: {type: boolean}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                additionalProperties: false
                required: [id, state]
                properties:
                  id: {type: integer}
                  state: {type: string, enum: [open, closed]}
        '400':
          description: bad
          content:
            application/problem+json:
              schema: {type: object}
`

// fakeTB records Errorf instead of failing.
type fakeTB struct {
	testing.TB
	errs []string
}

func (f *fakeTB) Errorf(format string, args ...any) { f.errs = append(f.errs, format) }
func (f *fakeTB) Helper()                           {}

// TestMiddlewareFailsOnUndocumentedAnswers: an undocumented field, an
// undocumented enum value, an undocumented status and an accepted invalid
// request each fail; a documented answer and a refused invalid request
// pass.
func TestMiddlewareFailsOnUndocumentedAnswers(t *testing.T) {
	v := MustNew(t, []byte(doc))
	for _, tc := range []struct {
		name, path, body, ctype string
		status                  int
		fails                   bool
	}{
		{"documented", "/api/v1/things/1", `{"id":1,"state":"open"}`, "application/json", 200, false},
		{"undocumented field", "/api/v1/things/1", `{"id":1,"state":"open","DraftKey":"x"}`, "application/json", 200, true},
		{"undocumented value", "/api/v1/things/1", `{"id":1,"state":"archived"}`, "application/json", 200, true},
		{"missing field", "/api/v1/things/1", `{"id":1}`, "application/json", 200, true},
		{"undocumented status", "/api/v1/things/1", `{}`, "application/problem+json", 409, true},
		{"undocumented content type", "/api/v1/things/1", `{"id":1,"state":"open"}`, "text/plain", 200, true},
		{"invalid request accepted", "/api/v1/things/1?full=maybe", `{"id":1,"state":"open"}`, "application/json", 200, true},
		{"invalid request refused", "/api/v1/things/1?full=maybe", `{}`, "application/problem+json", 400, false},
		{"undocumented route", "/api/v1/other", `{}`, "application/json", 200, true},
		{"not the API", "/healthz", `ok`, "text/plain", 200, false},
	} {
		tb := &fakeTB{TB: t}
		h := v.Middleware(tb, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", tc.ctype)
			w.WriteHeader(tc.status)
			_, _ = w.Write([]byte(tc.body))
		}))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tc.path, nil))
		if failed := len(tb.errs) > 0; failed != tc.fails {
			t.Errorf("%s: failed=%v, want %v (%s)", tc.name, failed, tc.fails, strings.Join(tb.errs, "; "))
		}
		if rec.Code != tc.status || rec.Body.String() != tc.body {
			t.Errorf("%s: the answer was not passed through: %d %q", tc.name, rec.Code, rec.Body.String())
		}
	}
}
