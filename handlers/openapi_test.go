package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestOpenAPIMatchesRoutes: the document validates as OpenAPI 3, every
// /api/v1 route is documented and every documented operation is routed.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(OpenAPI())
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("validate: %v", err)
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			documented[method+" /api/v1"+path] = true
			if op.Responses == nil || op.Responses.Len() == 0 || op.OperationID == "" {
				t.Errorf("%s %s: no responses or operationId", method, path)
			}
		}
	}
	h := New(Deps{Logger: slog.New(slog.DiscardHandler), Ready: map[string]Checker{}})
	param := regexp.MustCompile(`:(\w+)`)
	routed := map[string]bool{}
	for _, r := range h.Routes() {
		if strings.HasPrefix(r.Path, "/api/v1/") {
			routed[r.Method+" "+param.ReplaceAllString(r.Path, "{$1}")] = true
		}
	}
	for k := range routed {
		if !documented[k] {
			t.Errorf("route %s is not in openapi.json", k)
		}
	}
	for k := range documented {
		if !routed[k] {
			t.Errorf("openapi.json documents %s, which is not routed", k)
		}
	}
	if len(routed) < 12 {
		t.Fatalf("only %d routes found", len(routed))
	}
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range routed {
			if !yield(k) {
				return
			}
		}
	})
	t.Logf("routes: %v", keys)
}

func TestOpenAPIServedWithoutAuth(t *testing.T) {
	srv := httptest.NewServer(New(Deps{Logger: slog.New(slog.DiscardHandler), Ready: map[string]Checker{}}))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("%d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}
