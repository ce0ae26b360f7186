package handlers

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"tapline/bot/download"
	"tapline/models"
)

// Files serves generated files (ledgers, charts) to signed links.
type Files struct {
	Store  models.FileService
	Signer *download.Signer
}

// handleFile serves GET /files/:id?exp=&sig=: the link's signature and
// expiry are checked first (403 saying which failed), then the file.
func (s *Server) handleFile(c *gin.Context) {
	if s.FileLinks == nil {
		c.String(http.StatusServiceUnavailable, "文件下载未启用")
		return
	}
	id, err := strconv.ParseUint(c.Param("id"), 10, 64)
	if err != nil {
		c.String(http.StatusNotFound, "没有这个文件")
		return
	}
	if err := s.FileLinks.Signer.Verify(id, c.Query("exp"), c.Query("sig"), s.Clock.Now()); err != nil {
		c.String(http.StatusForbidden, err.Error())
		return
	}
	f, err := s.FileLinks.Store.FindFile(c.Request.Context(), id)
	if models.ErrorCode(err) == models.ENOTFOUND {
		c.String(http.StatusNotFound, "文件不存在或已过期")
		return
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(f.Name))
	c.Header("Cache-Control", "private, no-store")
	c.Data(http.StatusOK, f.Mime, f.Content)
}
