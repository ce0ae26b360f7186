// Package apitest holds every request and answer of the API tests to the
// OpenAPI document: a server middleware and a client transport that
// validate with kin-openapi (request and response, JSON Schema 2020-12
// for OpenAPI 3.1). An answer that the document does not describe — an
// undocumented field, status, value or content type — is a test failure;
// so is a request the document calls invalid that the server accepted
// (2xx). A request the document calls invalid and the server refused
// (4xx) is what negative tests do and passes.
package apitest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// Prefix is where the API lives (the document's server URL).
const Prefix = "/api/v1"

// Validator checks exchanges against one document.
type Validator struct {
	router routers.Router
}

// New loads the document (JSON or YAML).
func New(doc []byte) (*Validator, error) {
	d, err := openapi3.NewLoader().LoadFromData(doc)
	if err != nil {
		return nil, fmt.Errorf("apitest: load: %w", err)
	}
	d.Servers = nil // routes are matched on the path below Prefix
	r, err := legacy.NewRouter(d)
	if err != nil {
		return nil, fmt.Errorf("apitest: router: %w", err)
	}
	return &Validator{router: r}, nil
}

// MustNew is New for tests.
func MustNew(tb testing.TB, doc []byte) *Validator {
	tb.Helper()
	v, err := New(doc)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// Check validates one exchange: the request (with its body) and the answer
// status, headers and body. It returns nil when the exchange keeps to the
// document.
func (v *Validator) Check(req *http.Request, reqBody []byte, status int, header http.Header, body []byte) error {
	if !strings.HasPrefix(req.URL.Path, Prefix+"/") {
		return nil // webhooks, console, health: not the API
	}
	r := req.Clone(context.Background())
	u := *req.URL
	u.Path = strings.TrimPrefix(u.Path, Prefix)
	u.RawPath = ""
	r.URL = &u
	r.Body = io.NopCloser(bytes.NewReader(reqBody))
	route, params, err := v.router.FindRoute(r)
	if err != nil {
		if status == http.StatusNotFound || status == http.StatusMethodNotAllowed {
			return nil
		}
		return fmt.Errorf("%s %s: not in the document (answered %d): %w", req.Method, req.URL.Path, status, err)
	}
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil && status < 400 {
		return fmt.Errorf("%s %s: the server answered %d to a request the document calls invalid: %w",
			req.Method, req.URL.Path, status, err)
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: status, Header: header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
	out.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		return fmt.Errorf("%s %s → %d: the answer is not what the document describes: %w\nbody: %.600s",
			req.Method, req.URL.Path, status, err, body)
	}
	return nil
}

// Middleware validates every exchange with h, reporting failures to tb.
func (v *Validator) Middleware(tb testing.TB, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		reqBody, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if err := v.Check(req, reqBody, rec.Code, rec.Header(), rec.Body.Bytes()); err != nil {
			tb.Errorf("openapi: %v", err)
		}
		for k, vs := range rec.Header() {
			w.Header()[k] = vs
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}

// Transport validates every exchange of a client, reporting failures to
// tb; base nil means http.DefaultTransport.
func (v *Validator) Transport(tb testing.TB, base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return roundTrip(func(req *http.Request) (*http.Response, error) {
		var reqBody []byte
		if req.Body != nil {
			reqBody, _ = io.ReadAll(req.Body)
			req.Body = io.NopCloser(bytes.NewReader(reqBody))
		}
		resp, err := base.RoundTrip(req)
		if err != nil {
			return nil, err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(body))
		if err := v.Check(req, reqBody, resp.StatusCode, resp.Header, body); err != nil {
			tb.Errorf("openapi: %v", err)
		}
		return resp, nil
	})
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
