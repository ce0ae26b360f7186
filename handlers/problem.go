package handlers

import (
	"github.com/gin-gonic/gin"

	"tapline/models"
)

// ProblemContentType is the media type of every error answer (RFC 9457).
const ProblemContentType = "application/problem+json"

// problem is an RFC 9457 problem details object. Detail is for people (in
// Chinese); Type is for programs. Errors names each invalid field.
type problem struct {
	Type       string         `json:"type"`
	Title      string         `json:"title"`
	Status     int            `json:"status"`
	Detail     string         `json:"detail,omitempty"`
	Instance   string         `json:"instance,omitempty"`
	RequestID  string         `json:"request_id,omitempty"`
	Errors     []fieldProblem `json:"errors,omitempty"`
	Duplicates []caseJSON     `json:"duplicates,omitempty"`
}

// fieldProblem is one invalid field: its name (a body field, a query or
// path parameter, or a header) and why.
type fieldProblem struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// newProblem builds the problem of type pt for this request.
func newProblem(c *gin.Context, pt problemType, detail string) *problem {
	return &problem{Type: ProblemBase + pt.slug, Title: pt.title, Status: pt.status, Detail: detail,
		Instance: c.Request.URL.Path, RequestID: c.GetString(requestIDKey)}
}

// writeProblem answers p and stops the chain.
func writeProblem(c *gin.Context, p *problem) {
	c.Header("Content-Type", ProblemContentType)
	c.Render(p.Status, problemRender{p})
	c.Abort()
}

// answer writes a problem of type pt with detail.
func answer(c *gin.Context, pt problemType, detail string) {
	writeProblem(c, newProblem(c, pt, detail))
}

// fail answers err as a problem: its code's type and status, its message
// as the detail, its invalid fields as errors. Internal errors and
// unavailable dependencies are logged with detail and shown generically.
func (s *Server) fail(c *gin.Context, err error) {
	code := models.ErrorCode(err)
	pt, ok := codes[code]
	if !ok {
		pt, code = codes[models.EINTERNAL], models.EINTERNAL
	}
	msg := models.ErrorMessage(err)
	switch code {
	case models.EINTERNAL:
		s.log.Error("request failed", "request_id", c.GetString(requestIDKey), "route", c.FullPath(), "err", err)
		msg = "服务器内部错误，请稍后重试；如果一再出现，请把 request_id 告诉管理员。"
	case models.EUNAVAILABLE:
		s.log.Error("request failed", "request_id", c.GetString(requestIDKey), "route", c.FullPath(), "err", err)
		msg = "依赖的服务（数据库或 Redis）暂时不可用，请稍后重试。"
	}
	p := newProblem(c, pt, msg)
	for _, f := range models.ErrorFields(err) {
		p.Errors = append(p.Errors, fieldProblem{Field: f.Field, Reason: f.Reason})
	}
	writeProblem(c, p)
}

// invalid is the EINVALID error of one field.
func invalid(field, reason string) error {
	return models.Invalid(models.FieldError{Field: field, Reason: reason})
}
