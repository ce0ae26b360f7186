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
		s.fail(c, models.Errorf(models.EFORBIDDEN, "缺少或错误的 CSRF 令牌：请在 %s 请求头中带上本次登录的令牌。", auth.CSRFHeader))
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
	msg := "缺少或无效的凭据：请用 Authorization: Bearer 带上管理员令牌或 API 令牌，或先登录控制台。"
	if err != nil {
		msg = models.ErrorMessage(err)
	}
	c.Header("WWW-Authenticate", `Bearer realm="tapline"`)
	answer(c, probUnauthorized, msg)
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
