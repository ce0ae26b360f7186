package handlers

import (
	_ "embed"
	"net/http"

	"github.com/gin-gonic/gin"
)

// openAPIDoc describes every /api/v1 route (a test checks it against the
// routes and validates it).
//
//go:embed openapi.json
var openAPIDoc []byte

// OpenAPI returns the OpenAPI 3 document of /api/v1.
func OpenAPI() []byte { return openAPIDoc }

// registerOpenAPIRoute serves the document without authentication.
func (s *Server) registerOpenAPIRoute(g *gin.RouterGroup) {
	g.GET("/openapi.json", func(c *gin.Context) { c.Data(http.StatusOK, "application/json", openAPIDoc) })
}
