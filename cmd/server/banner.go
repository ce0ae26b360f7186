package main

import (
	"fmt"
	"io"
	"net"
	"path/filepath"

	"tapline/bot/wechat"
)

// printBanner tells a person where to send messages and how to try it.
func (a *App) printBanner(w io.Writer, addr, metricsURL string) {
	host, port, _ := net.SplitHostPort(addr)
	if host == "" || host == "::" || host == "0.0.0.0" {
		host = "127.0.0.1"
	}
	base := "http://" + net.JoinHostPort(host, port)
	fmt.Fprintf(w, "\nTapline is listening on %s (role %s)\n", base, a.cfg.Role)
	mode, _ := wechat.ServerMode(a.cfg.WeChat.Mode, a.cfg.WeChat.EncodingAESKey) // validated at load
	fmt.Fprintf(w, "  WeChat Official Account webhook:  %s/webhooks/wechat  (GET URL check, POST messages; %s mode)\n", base, mode)
	fmt.Fprintf(w, "  WeCom app / smart bot webhooks:  %s/webhooks/wecom  %s/webhooks/wecom-bot\n", base, base)
	fmt.Fprintf(w, "  DingTalk robot webhook:          %s/webhooks/dingtalk\n", base)
	fmt.Fprintf(w, "  Health: %s/healthz  Ready: %s/readyz  Metrics: %s\n", base, base, metricsShown(metricsURL, a.cfg.MetricsToken != ""))
	fmt.Fprintf(w, "  Admin API: %s/api/v1/cases, /api/v1/outbox (Authorization: Bearer <admin_token>)\n", base)
	fmt.Fprintf(w, "  Console (hotline/office desk): %s/console  API description: %s/api/v1/openapi.json\n", base, base)
	if a.embedded == nil {
		fmt.Fprintln(w)
		return
	}
	fmt.Fprintf(w, "\nEmbedded default: SQLite at %s, in-process Redis.\n", a.embedded.sqlitePath)
	fmt.Fprintf(w, "Demo WeChat credentials and admin token: %s\n", filepath.Clean(a.embedded.demoPath))
	fmt.Fprintf(w, "Console sign-in: %s and %s with the console_password_* of that file\n", demoHotline, demoCrew)
	fmt.Fprintf(w, "Try it as a resident (signed and AES-encrypted webhooks):\n")
	fmt.Fprintf(w, "  go run ./cmd/simulate resident -url %s -credentials %s\n", base, a.embedded.demoPath)
	fmt.Fprintf(w, "Then a whole case through the staff channels (crew, leader, head):\n")
	fmt.Fprintf(w, "  go run ./cmd/simulate case -url %s -credentials %s\n", base, a.embedded.demoPath)
	fmt.Fprintf(w, "Department cards go to the local sink (logged) and are listed by GET /api/v1/outbox.\n\n")
}

// metricsShown says where /metrics is served.
func metricsShown(u string, token bool) string {
	switch {
	case u == "" && token:
		return "/metrics on this listener with the metrics token"
	case u == "":
		return "off (metrics_addr)"
	case token:
		return u + " (also /metrics here with the metrics token)"
	}
	return u + " (metrics_addr)"
}
