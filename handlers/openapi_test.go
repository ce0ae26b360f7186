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

	"tapline/bot/auth"
	"tapline/models"
)

func loadDoc(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(OpenAPI())
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("validate: %v", err)
	}
	if !doc.IsOpenAPI31OrLater() {
		t.Fatalf("openapi %s, want 3.1", doc.OpenAPI)
	}
	return doc
}

// TestOpenAPIMatchesRoutes: the document validates as OpenAPI 3.1, every
// /api/v1 route is documented and every documented operation is routed.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	doc := loadDoc(t)
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
			t.Errorf("route %s is not in openapi.yaml", k)
		}
	}
	for k := range documented {
		if !routed[k] {
			t.Errorf("openapi.yaml documents %s, which is not routed", k)
		}
	}
	if len(routed) < 20 {
		t.Fatalf("only %d routes found", len(routed))
	}
}

// TestOpenAPIEnumsAreTheCode: the document's enums are the code's lists
// (statuses, actions, event types, problem types); one disagreeing fails.
func TestOpenAPIEnumsAreTheCode(t *testing.T) {
	doc := loadDoc(t)
	enum := func(name string) []string {
		var out []string
		for _, v := range doc.Components.Schemas[name].Value.Enum {
			out = append(out, v.(string))
		}
		return out
	}
	problemTypes := doc.Components.Schemas["Problem"].Value.Properties["type"].Value.Enum
	var problems []string
	for _, v := range problemTypes {
		problems = append(problems, v.(string))
	}
	for _, tc := range []struct {
		name      string
		doc, code []string
	}{
		{"Status", enum("Status"), Statuses()},
		{"Action", enum("Action"), auth.ActionOrder},
		{"EventType", enum("EventType"), models.EventTypes},
		{"Problem.type", problems, ProblemTypes()},
	} {
		if !slices.Equal(tc.doc, tc.code) {
			t.Errorf("%s: document %v, code %v", tc.name, tc.doc, tc.code)
		}
	}
}

// TestOpenAPISchemasAreClosed: every object schema of the document lists
// its properties and forbids others (or is a declared map or a free-form
// message), so an undocumented field in an answer fails validation.
func TestOpenAPISchemasAreClosed(t *testing.T) {
	doc := loadDoc(t)
	var walk func(where string, s *openapi3.Schema)
	walk = func(where string, s *openapi3.Schema) {
		if s == nil {
			return
		}
		free := strings.HasSuffix(where, "].message") || where == "OutboxRow.message" // the neutral chat message, free-form
		if s.Type.Is("object") && !free {
			ap := s.AdditionalProperties
			closed := ap.Has != nil && !*ap.Has
			isMap := ap.Schema != nil
			if !closed && !isMap {
				t.Errorf("%s: object schema accepts undocumented fields", where)
			}
		}
		for name, p := range s.Properties {
			walk(where+"."+name, p.Value)
		}
		if s.Items != nil {
			walk(where+"[]", s.Items.Value)
		}
	}
	for name, s := range doc.Components.Schemas {
		walk(name, s.Value)
	}
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
