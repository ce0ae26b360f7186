package handlers

import (
	"context"
	"crypto/subtle"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"tapline/bot/metrics"
)

func (s *Server) registerHealthRoutes(r *gin.Engine) {
	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	r.GET("/readyz", s.handleReady)
	if s.Metrics != nil && s.MetricsToken != "" {
		r.GET("/metrics", s.metricsAuth, gin.WrapH(MetricsHandler(s.Metrics)))
	}
}

// MetricsHandler serves the Prometheus registry: on the metrics_addr
// listener (loopback by default), or on the public one behind the
// metrics token.
func MetricsHandler(m *metrics.Metrics) http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
}

// metricsAuth lets through a scrape that brings the metrics token
// (Authorization: Bearer …), compared in constant time.
func (s *Server) metricsAuth(c *gin.Context) {
	tok, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(tok)), []byte(s.MetricsToken)) != 1 {
		c.Header("WWW-Authenticate", `Bearer realm="metrics"`)
		c.AbortWithStatusJSON(http.StatusUnauthorized, gin.H{"error": "metrics need the metrics token"})
		return
	}
	c.Next()
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
