package handlers

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"tapline/bot/auth"
	"tapline/models"
)

// registerTokenRoutes adds the admin token's management of API tokens.
func (s *Server) registerTokenRoutes(g *gin.RouterGroup) {
	g.GET("/tokens", s.handleListTokens)
	g.POST("/tokens", s.handleCreateToken)
	g.DELETE("/tokens/:id", s.handleRevokeToken)
}

// tokenJSON shows a token's record: never the token or its hash.
func tokenJSON(t *models.APIToken) gin.H {
	return gin.H{"id": t.ID, "name": t.Name, "prefix": t.Prefix, "staff_id": t.StaffID, "role": t.Role,
		"department": t.Department, "created_by": t.CreatedBy, "created_at": t.CreatedAt,
		"last_used_at": t.LastUsedAt, "revoked_at": t.RevokedAt}
}

func (s *Server) handleListTokens(c *gin.Context) {
	toks, err := s.Desk.Tokens.List(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	out := make([]gin.H, len(toks))
	for i, t := range toks {
		out[i] = tokenJSON(t)
	}
	c.JSON(http.StatusOK, gin.H{"tokens": out})
}

// handleCreateToken returns the new token once; only its hash is kept.
func (s *Server) handleCreateToken(c *gin.Context) {
	var spec auth.TokenSpec
	if err := c.ShouldBindJSON(&spec); err != nil {
		s.fail(c, models.Errorf(models.EINVALID, "body: %v", err))
		return
	}
	plain, rec, err := s.Desk.Tokens.Create(c.Request.Context(), spec, principal(c).Reader())
	if err != nil {
		s.fail(c, err)
		return
	}
	out := tokenJSON(rec)
	out["token"] = plain
	c.JSON(http.StatusCreated, out)
}

func (s *Server) handleRevokeToken(c *gin.Context) {
	id, err := strconv.ParseUint(c.Param("id"), 10, 64)
	if err != nil {
		s.fail(c, models.Errorf(models.EINVALID, "id: %q is not a number", c.Param("id")))
		return
	}
	if err := s.Desk.Tokens.Revoke(c.Request.Context(), id); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
