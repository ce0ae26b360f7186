package handlers

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"tapline/bot/auth"
	"tapline/models"
)

const principalKey = "principal"

// authenticate fails closed: every /api/v1 route but the OpenAPI document
// needs the admin token, an API token (Authorization: Bearer …) or a
// console session cookie; with the cookie, a request that changes
// something also needs the session's CSRF token in X-CSRF-Token.
func (s *Server) authenticate(c *gin.Context) {
	if h := c.GetHeader("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		tok = strings.TrimSpace(tok)
		switch {
		case ok && s.AdminToken != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(s.AdminToken)) == 1:
			c.Set(principalKey, auth.Admin())
		case ok && s.Desk != nil && strings.HasPrefix(tok, auth.TokenPrefix):
			p, err := s.Desk.Tokens.Authenticate(c.Request.Context(), tok)
			if err != nil {
				s.unauthorized(c, err)
				return
			}
			c.Set(principalKey, p)
		default:
			s.unauthorized(c, nil)
			return
		}
		c.Next()
		return
	}
	s.sessionAuth(c)
}

// sessionAuth accepts the console's session cookie.
func (s *Server) sessionAuth(c *gin.Context) {
	id, err := c.Cookie(auth.CookieName)
	if s.Desk == nil || err != nil || id == "" {
		s.unauthorized(c, nil)
		return
	}
	p, sess, err := s.Desk.SessionPrincipal(c.Request.Context(), id)
	if err != nil {
		s.unauthorized(c, err)
		return
	}
	if !safeMethod(c.Request.Method) && !auth.CSRFValid(sess, c.GetHeader(auth.CSRFHeader)) {
		c.AbortWithStatusJSON(http.StatusForbidden, gin.H{"code": models.EFORBIDDEN,
			"error": "missing or wrong CSRF token: send the session's token in the " + auth.CSRFHeader + " header"})
		return
	}
	c.Set(principalKey, p)
	c.Next()
}

// unauthorized answers 401 (503 when the token store is down).
func (s *Server) unauthorized(c *gin.Context, err error) {
	if models.ErrorCode(err) == models.EUNAVAILABLE || models.ErrorCode(err) == models.EINTERNAL {
		s.fail(c, err)
		return
	}
	msg := "missing or invalid bearer token"
	if err != nil {
		msg = models.ErrorMessage(err)
	}
	c.Header("WWW-Authenticate", `Bearer realm="tapline"`)
	c.AbortWithStatusJSON(http.StatusUnauthorized, gin.H{"error": msg, "code": "unauthorized"})
}

// adminOnly keeps a route to the admin token.
func (s *Server) adminOnly(c *gin.Context) {
	if principal(c).Role != auth.RoleAdmin {
		s.fail(c, models.Errorf(models.EFORBIDDEN, "only the admin token may use this route"))
		return
	}
	c.Next()
}

// principal returns who the request is authenticated as.
func principal(c *gin.Context) auth.Principal {
	p, _ := c.Get(principalKey)
	pr, _ := p.(auth.Principal)
	return pr
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}
