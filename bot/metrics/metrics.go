// Package metrics defines Tapline's Prometheus collectors (PRODUCT F4) on a
// registry of their own, so tests and several servers in one process do not
// collide.
package metrics

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics holds the collectors. A nil *Metrics is valid and counts nothing.
type Metrics struct {
	Registry    *prometheus.Registry
	Requests    *prometheus.CounterVec   // route, code
	Latency     *prometheus.HistogramVec // route
	DialogSteps *prometheus.CounterVec   // outcome
	Cases       *prometheus.CounterVec   // source, major
	Deliveries  *prometheus.CounterVec   // channel, result (ok, failed)
	Duplicates  *prometheus.CounterVec   // platform
	Refusals    *prometheus.CounterVec   // platform, code: every refused webhook, logged or not
	RoundTrips  *prometheus.CounterVec   // backend (mysql, redis): commands sent (CountRoundTrips)
}

// New registers every collector, plus the Go and process collectors.
func New() *Metrics {
	r := prometheus.NewRegistry()
	m := &Metrics{
		Registry: r,
		Requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tapline_http_requests_total", Help: "HTTP requests by route and status code."}, []string{"route", "code"}),
		Latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "tapline_http_request_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}}, []string{"route"}),
		DialogSteps: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tapline_dialog_steps_total", Help: "Resident dialog steps by outcome."}, []string{"outcome"}),
		Cases: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tapline_cases_created_total", Help: "Cases created by source and major flag."}, []string{"source", "major"}),
		Deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tapline_outbox_deliveries_total", Help: "Outbox delivery attempts by channel and result."}, []string{"channel", "result"}),
		Duplicates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tapline_inbound_duplicates_total", Help: "Retried inbound deliveries recognised and not processed again."}, []string{"platform"}),
		Refusals: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tapline_webhook_refusals_total", Help: "Webhook requests refused (bad signature, replay, malformed) by platform and status code."},
			[]string{"platform", "code"}),
		RoundTrips: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tapline_backend_round_trips_total", Help: "Commands (or Redis pipelines) sent to a backend, by backend."},
			[]string{"backend"}),
	}
	r.MustRegister(m.Requests, m.Latency, m.DialogSteps, m.Cases, m.Deliveries, m.Duplicates, m.Refusals, m.RoundTrips,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// CaseCreated counts one new case.
func (m *Metrics) CaseCreated(source string, major bool) {
	if m == nil {
		return
	}
	flag := "false"
	if major {
		flag = "true"
	}
	m.Cases.WithLabelValues(source, flag).Inc()
}

// Delivery counts one outbox delivery attempt.
func (m *Metrics) Delivery(channel string, ok bool) {
	if m == nil {
		return
	}
	result := "failed"
	if ok {
		result = "ok"
	}
	m.Deliveries.WithLabelValues(channel, result).Inc()
}

// DialogStep counts one dialog step by outcome ("ok", "error", "late").
func (m *Metrics) DialogStep(outcome string) {
	if m == nil {
		return
	}
	m.DialogSteps.WithLabelValues(outcome).Inc()
}

// Duplicate counts one recognised retry.
func (m *Metrics) Duplicate(platform string) {
	if m == nil {
		return
	}
	m.Duplicates.WithLabelValues(platform).Inc()
}

// Refused counts one refused webhook request.
func (m *Metrics) Refused(platform string, status int) {
	if m == nil {
		return
	}
	m.Refusals.WithLabelValues(platform, strconv.Itoa(status)).Inc()
}
