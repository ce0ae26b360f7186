package console

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"tapline/bot/auth"
	"tapline/models"
)

// signinData is the sign-in page's data.
type signinData struct {
	StaffID string
	Next    string
}

func (c *Console) loginPage(ctx *gin.Context) {
	c.render(ctx, http.StatusOK, "login", &view{Title: "登录", CSRF: c.preToken(ctx),
		Data: signinData{Next: localPath(ctx.Query("next"))}})
}

// login signs in with a password (rate-limited per person and address).
func (c *Console) login(ctx *gin.Context) {
	staffID := strings.TrimSpace(ctx.PostForm("staff_id"))
	next := localPath(ctx.PostForm("next"))
	sess, err := c.desk.SignInPassword(ctx.Request.Context(), staffID, ctx.PostForm("password"), ctx.ClientIP())
	if err != nil {
		status := statuses[models.ErrorCode(err)]
		if status == 0 || status == http.StatusServiceUnavailable {
			c.fail(ctx, err)
			return
		}
		c.render(ctx, status, "login", &view{Title: "登录", CSRF: c.preToken(ctx), Error: models.ErrorMessage(err),
			Data: signinData{StaffID: staffID, Next: next}})
		return
	}
	c.startSession(ctx, sess)
	ctx.Redirect(http.StatusSeeOther, next)
}

// linkPage is where a sign-in link lands: a button, so that link
// previews and scanners that fetch the URL do not use up the one-time
// token.
func (c *Console) linkPage(ctx *gin.Context) {
	token := ctx.Query("token")
	if token == "" {
		c.fail(ctx, models.Errorf(models.EINVALID, "链接不完整：缺少登录令牌。请在企业微信或钉钉中重新发送“登录”。"))
		return
	}
	c.render(ctx, http.StatusOK, "link", &view{Title: "确认登录", CSRF: c.preToken(ctx), Data: token})
}

// redeemLink signs in with a one-time link; used and expired links are
// refused with the reason.
func (c *Console) redeemLink(ctx *gin.Context) {
	sess, err := c.desk.SignInLink(ctx.Request.Context(), ctx.PostForm("token"))
	if err != nil {
		c.fail(ctx, err)
		return
	}
	c.startSession(ctx, sess)
	ctx.Redirect(http.StatusSeeOther, Base+"/cases")
}

// startSession sets the session cookie.
func (c *Console) startSession(ctx *gin.Context, sess *auth.Session) {
	c.setCookie(ctx, auth.CookieName, sess.ID, int(c.desk.Sessions.TTL().Seconds()))
	c.log.Info("signed in", "staff", sess.StaffID, "method", sess.Method)
}

// logout ends the session.
func (c *Console) logout(ctx *gin.Context) {
	id, _ := ctx.Cookie(auth.CookieName)
	if err := c.desk.Sessions.Delete(ctx.Request.Context(), id); err != nil {
		c.fail(ctx, err)
		return
	}
	c.setCookie(ctx, auth.CookieName, "", -1)
	ctx.Redirect(http.StatusSeeOther, Base+"/login")
}
