package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"tapline/models"
)

// codes maps application error codes to HTTP statuses: the one table.
var codes = map[string]int{
	models.ECONFLICT:    http.StatusConflict,
	models.EINVALID:     http.StatusBadRequest,
	models.ENOTFOUND:    http.StatusNotFound,
	models.EFORBIDDEN:   http.StatusForbidden,
	models.EUNAVAILABLE: http.StatusServiceUnavailable,
	models.EINTERNAL:    http.StatusInternalServerError,
}

// fail writes err as JSON with the mapped status; internal errors are
// logged with detail and shown as a generic message.
func (s *Server) fail(c *gin.Context, err error) {
	code := models.ErrorCode(err)
	status, ok := codes[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	msg := models.ErrorMessage(err)
	if code == models.EINTERNAL || code == models.EUNAVAILABLE {
		s.log.Error("request failed", "request_id", c.GetString(requestIDKey), "route", c.FullPath(), "err", err)
		if code == models.EUNAVAILABLE {
			msg = "a dependency is unavailable; try again shortly"
		}
	}
	c.AbortWithStatusJSON(status, gin.H{"error": msg, "code": code})
}
