package handlers

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"
)

// openAPIYAML is the contract of /api/v1 (OpenAPI 3.1): every route,
// parameter, request and answer. The tests check it against the routes
// and validate every answer of the API tests against it.
//
//go:embed openapi.yaml
var openAPIYAML []byte

// openAPIJSON is the same document as JSON, made once.
var openAPIJSON = mustJSON(openAPIYAML)

// OpenAPI returns the OpenAPI 3.1 document of /api/v1 as JSON.
func OpenAPI() []byte { return openAPIJSON }

// OpenAPIYAML returns the document as written (YAML).
func OpenAPIYAML() []byte { return openAPIYAML }

// mustJSON converts the embedded document; a broken document is a build
// defect, caught by every test of the package.
func mustJSON(y []byte) []byte {
	doc, err := openapi3.NewLoader().LoadFromData(y)
	if err != nil {
		panic(fmt.Sprintf("handlers: openapi.yaml: %v", err))
	}
	b, err := json.Marshal(doc)
	if err != nil {
		panic(fmt.Sprintf("handlers: openapi.yaml as JSON: %v", err))
	}
	return b
}

// registerOpenAPIRoute serves the document without authentication.
func (s *Server) registerOpenAPIRoute(g *gin.RouterGroup) {
	g.GET("/openapi.json", func(c *gin.Context) { c.Data(http.StatusOK, "application/json", openAPIJSON) })
}
