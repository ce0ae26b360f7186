package handlers

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"tapline/bot/auth"
)

// registerTokenRoutes adds the admin token's management of API tokens.
// Creating one takes no Idempotency-Key: its answer carries the token,
// which is shown once and never stored.
func (s *Server) registerTokenRoutes(g *gin.RouterGroup) {
	g.GET("/tokens", s.handleListTokens)
	g.POST("/tokens", s.noIdempotency, s.handleCreateToken)
	g.DELETE("/tokens/:id", s.handleRevokeToken)
}

// tokenListJSON lists the tokens.
type tokenListJSON struct {
	Tokens []tokenJSON `json:"tokens"`
}

func (s *Server) handleListTokens(c *gin.Context) {
	toks, err := s.Desk.Tokens.List(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	out := tokenListJSON{Tokens: make([]tokenJSON, len(toks))}
	for i, t := range toks {
		out.Tokens[i] = newTokenJSON(t)
	}
	c.JSON(http.StatusOK, out)
}

// handleCreateToken returns the new token once; only its hash is kept.
func (s *Server) handleCreateToken(c *gin.Context) {
	var spec auth.TokenSpec
	if err := decodeBody(c, &spec, false); err != nil {
		s.fail(c, err)
		return
	}
	plain, rec, err := s.Desk.Tokens.Create(c.Request.Context(), spec, principal(c).Reader())
	if err != nil {
		s.fail(c, err)
		return
	}
	out := newTokenJSON(rec)
	out.Token = plain
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusCreated, out)
}

func (s *Server) handleRevokeToken(c *gin.Context) {
	id, err := idParam(c, "id")
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.Desk.Tokens.Revoke(c.Request.Context(), id); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// idParam reads a positive integer path parameter.
func idParam(c *gin.Context, name string) (uint64, error) {
	id, err := strconv.ParseUint(c.Param(name), 10, 64)
	if err != nil || id == 0 {
		return 0, invalid(name, "“"+c.Param(name)+"”不是编号")
	}
	return id, nil
}
