package console

import (
	"bytes"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"tapline/bot/auth"
	"tapline/models"
)

// Cookie names besides the session's.
const (
	preCookie   = "tapline_pre"   // CSRF token of the sign-in forms (before a session exists)
	flashCookie = "tapline_flash" // a one-time message shown after a redirect
)

// Context keys.
const (
	keyPrincipal = "console.principal"
	keySession   = "console.session"
)

// view is what every page template gets: the page's data in Data.
type view struct {
	Title string
	Me    *auth.Principal
	CSRF  string
	Flash string
	Error string
	Data  any
}

// render executes a page into a buffer first, so that a template error
// never sends half a page.
func (c *Console) render(ctx *gin.Context, status int, page string, v *view) {
	if p, ok := ctx.Get(keyPrincipal); ok {
		pr := p.(auth.Principal)
		v.Me = &pr
	}
	if s, ok := ctx.Get(keySession); ok && v.CSRF == "" {
		v.CSRF = s.(*auth.Session).CSRF
	}
	if v.Flash == "" {
		v.Flash = c.takeFlash(ctx)
	}
	var b bytes.Buffer
	if err := c.pages[page].Execute(&b, v); err != nil {
		c.log.Error("render", "page", page, "err", err)
		ctx.String(http.StatusInternalServerError, "页面出错，请稍后再试。")
		return
	}
	ctx.Data(status, "text/html; charset=utf-8", b.Bytes())
}

// statuses maps application error codes to HTTP statuses for pages.
var statuses = map[string]int{
	models.EINVALID: http.StatusBadRequest, models.ENOTFOUND: http.StatusNotFound,
	models.EFORBIDDEN: http.StatusForbidden, models.ECONFLICT: http.StatusConflict,
	models.EUNAVAILABLE: http.StatusServiceUnavailable,
}

// fail shows the error page: the refusal and why; internal errors are
// logged and shown as a generic apology.
func (c *Console) fail(ctx *gin.Context, err error) {
	code := models.ErrorCode(err)
	status, ok := statuses[code]
	msg := models.ErrorMessage(err)
	if !ok || code == models.EUNAVAILABLE {
		c.log.Error("console request failed", "route", ctx.FullPath(), "err", err)
		if !ok {
			status, msg = http.StatusInternalServerError, "系统出错，请稍后再试。"
		}
	}
	title := map[int]string{http.StatusForbidden: "无权访问", http.StatusNotFound: "找不到"}[status]
	if title == "" {
		title = "无法完成"
	}
	c.render(ctx, status, "error", &view{Title: title, Error: msg})
	ctx.Abort()
}

// session requires a signed-in person: pages redirect to sign-in, forms
// are refused; a POST also needs the session's CSRF token.
func (c *Console) session(ctx *gin.Context) {
	id, _ := ctx.Cookie(auth.CookieName)
	p, sess, err := c.desk.SessionPrincipal(ctx.Request.Context(), id)
	switch {
	case err == nil:
	case models.ErrorCode(err) == models.ENOTFOUND && ctx.Request.Method == http.MethodGet:
		ctx.Redirect(http.StatusSeeOther, Base+"/login?next="+url.QueryEscape(ctx.Request.URL.RequestURI()))
		ctx.Abort()
		return
	case models.ErrorCode(err) == models.ENOTFOUND:
		c.fail(ctx, models.Errorf(models.EFORBIDDEN, "登录已过期，表单没有提交。请重新登录后再试。"))
		return
	default:
		c.fail(ctx, err)
		return
	}
	ctx.Set(keyPrincipal, p)
	ctx.Set(keySession, sess)
	if ctx.Request.Method == http.MethodPost && !auth.CSRFValid(sess, ctx.PostForm("csrf")) {
		c.fail(ctx, errCSRF)
		return
	}
	ctx.Next()
}

var errCSRF = models.Errorf(models.EFORBIDDEN, "表单已失效（缺少或错误的防伪令牌 CSRF），没有提交。请刷新页面后重试。")

// preCSRF checks the sign-in forms' token against their cookie.
func (c *Console) preCSRF(ctx *gin.Context) {
	want, _ := ctx.Cookie(preCookie)
	got := ctx.PostForm("csrf")
	if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		c.fail(ctx, errCSRF)
		return
	}
	ctx.Next()
}

// preToken returns the sign-in forms' CSRF token, setting its cookie.
func (c *Console) preToken(ctx *gin.Context) string {
	if v, err := ctx.Cookie(preCookie); err == nil && len(v) >= 20 && len(v) <= 64 {
		return v
	}
	v := auth.RandomToken(24)
	c.setCookie(ctx, preCookie, v, 3600)
	return v
}

// principalOf returns the signed-in person.
func principalOf(ctx *gin.Context) auth.Principal {
	return ctx.MustGet(keyPrincipal).(auth.Principal)
}

// redirectFlash redirects to path showing msg once there.
func (c *Console) redirectFlash(ctx *gin.Context, path, msg string) {
	c.setCookie(ctx, flashCookie, base64.RawURLEncoding.EncodeToString([]byte(msg)), 60)
	ctx.Redirect(http.StatusSeeOther, path)
}

// takeFlash returns and clears the flash message.
func (c *Console) takeFlash(ctx *gin.Context) string {
	v, err := ctx.Cookie(flashCookie)
	if err != nil || v == "" {
		return ""
	}
	c.setCookie(ctx, flashCookie, "", -1)
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || len(b) > 2000 {
		return ""
	}
	return string(b)
}

// localPath keeps a "next" target inside the console (no open redirect).
func localPath(next string) string {
	if !strings.HasPrefix(next, Base+"/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return Base + "/cases"
	}
	return next
}
