// Package console is the hotline and office desk in a browser (issue 6):
// server-rendered pages from templates embedded in the binary, no build
// step and no script. Sign-in by password or one-time link, the case list
// with filters, a case's timeline, measures, approvals and photos, the
// lifecycle actions, the staff intake form and the dashboard counts. Every
// page checks the signed-in person's role and department (bot/auth), every
// form carries a CSRF token, and html/template escapes all output.
package console

import (
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"tapline/bot/auth"
	"tapline/bot/report"
	"tapline/models"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Base is the path every console page lives under.
const Base = "/console"

// Console serves the pages.
type Console struct {
	desk      *auth.Desk
	log       *slog.Logger
	pages     map[string]*template.Template
	publicTLS bool
	now       func() time.Time
	reports   *report.Service
	records   Records
	queue     Queue
	resident  string // the outbox channel of messages to residents
}

// Option configures a Console.
type Option func(*Console)

// WithPublicURL marks cookies Secure when the public URL is https (the
// server sits behind a TLS proxy); they are Secure on TLS requests anyway.
func WithPublicURL(u string) Option {
	return func(c *Console) { c.publicTLS = strings.HasPrefix(strings.ToLower(u), "https://") }
}

// WithQueue sets the store of the call-back queue and the intake's
// follow-ups; without it the console uses the desk's Counter when that is
// such a store.
func WithQueue(q Queue) Option { return func(c *Console) { c.queue = q } }

// WithResidentChannel sets the outbox channel of messages to residents
// (models.ChannelWeChatCS when the Official Account can send them; the
// default models.ChannelSink, as casework's).
func WithResidentChannel(ch string) Option { return func(c *Console) { c.resident = ch } }

// New parses the templates; it panics on a template error (a build
// mistake, caught by any test).
func New(desk *auth.Desk, log *slog.Logger, opts ...Option) *Console {
	c := &Console{desk: desk, log: log.With("component", "console"), now: desk.Clock, resident: models.ChannelSink}
	for _, o := range opts {
		o(c)
	}
	if r, ok := desk.Counter.(Records); ok && c.records == nil {
		c.records = r // the store behind the desk
	}
	if q, ok := desk.Counter.(Queue); ok && c.queue == nil {
		c.queue = q
	}
	c.pages = parsePages(c.funcs())
	return c
}

// parsePages builds one template per page, each with the layout.
func parsePages(funcs template.FuncMap) map[string]*template.Template {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		page := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if page == "layout" {
			continue
		}
		pages[page] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", n))
	}
	return pages
}

// Register adds the console's routes to r.
func (c *Console) Register(r gin.IRouter) {
	g := r.Group(Base, c.headers)
	static, _ := fs.Sub(staticFS, "static")
	g.StaticFS("/static", http.FS(filesOnly{static}))
	g.GET("/login", c.loginPage)
	g.POST("/login", c.preCSRF, c.login)
	g.GET("/link", c.linkPage)
	g.POST("/link", c.preCSRF, c.redeemLink)
	in := g.Group("", c.session)
	in.GET("", func(ctx *gin.Context) { ctx.Redirect(http.StatusSeeOther, Base+"/cases") })
	in.POST("/logout", c.logout)
	in.GET("/cases", c.listCases)
	in.GET("/cases/:number", c.showCase)
	in.POST("/cases/:number/act", c.act)
	in.POST("/cases/:number/correct", c.correct)
	in.GET("/intake", c.intakeForm)
	in.POST("/intake", c.fileIntake)
	in.GET("/dashboard", c.dashboard)
	in.GET("/reports", c.reportsPage)
	in.GET("/reports/charts/:name", c.chart)
	in.GET("/reports/ledger", c.ledger)
	in.GET("/callbacks", c.callbacks)
	in.POST("/callbacks/:number", c.recordCallback)
	in.POST("/intake/follow-up", c.followUp)
}

// filesOnly hides the directories of an fs.FS: a file server on it serves
// the files and answers 404 for a directory instead of listing it.
type filesOnly struct{ fs.FS }

// Open opens name if it is a file.
func (f filesOnly) Open(name string) (fs.File, error) {
	file, err := f.FS.Open(name)
	if err != nil {
		return nil, err
	}
	if st, err := file.Stat(); err != nil || st.IsDir() {
		_ = file.Close()
		return nil, fs.ErrNotExist
	}
	return file, nil
}

// headers sets the security headers of every console response: no
// framing, no script, no referrer (sign-in links carry a token), no cache
// (pages hold personal data).
func (c *Console) headers(ctx *gin.Context) {
	h := ctx.Writer.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' https: http: data:; script-src 'none'; "+
		"style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	if !strings.HasPrefix(ctx.Request.URL.Path, Base+"/static/") {
		h.Set("Cache-Control", "no-store")
	}
	ctx.Next()
}

// secure reports whether cookies must be Secure for this request.
func (c *Console) secure(r *http.Request) bool {
	return c.publicTLS || r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// setCookie writes an HttpOnly, SameSite=Lax cookie scoped to the console
// and the API (Secure behind TLS); maxAge < 0 deletes it.
func (c *Console) setCookie(ctx *gin.Context, name, value string, maxAge int) {
	http.SetCookie(ctx.Writer, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: c.secure(ctx.Request), SameSite: http.SameSiteLaxMode})
}
