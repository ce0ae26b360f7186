package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

func (s *Server) registerHealthRoutes(r *gin.Engine) {
	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	r.GET("/readyz", s.handleReady)
	if s.Metrics != nil {
		h := promhttp.HandlerFor(s.Metrics.Registry, promhttp.HandlerOpts{})
		r.GET("/metrics", gin.WrapH(h))
	}
}

// handleReady answers 200 when every dependency answers, else 503 naming
// the ones that do not (never their connection strings).
func (s *Server) handleReady(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	status, code := gin.H{}, http.StatusOK
	for name, check := range s.Ready {
		if err := check(ctx); err != nil {
			status[name], code = "unavailable", http.StatusServiceUnavailable
			continue
		}
		status[name] = "ok"
	}
	c.JSON(code, gin.H{"ready": code == http.StatusOK, "checks": status})
}
