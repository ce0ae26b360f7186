package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"tapline/bot/notify"
)

// runReceiver is an integrator's event receiver, as the README describes
// it: it verifies each delivery's signature (HMAC-SHA256 over
// "<t>.<body>" with the subscription's secret, t within 5 minutes),
// answers 401 to a bad one, dedupes on the event ID and prints each new
// event. Register it with POST /api/v1/webhooks/subscriptions (the
// server's webhooks.allow_private must name 127.0.0.0/8 for a loopback
// receiver).
func runReceiver(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("receiver", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:9090", "where to listen")
	secret := fs.String("secret", "", "the subscription's secret (whsec_…)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *secret == "" {
		return fmt.Errorf("receiver: -secret is required (the answer that created the subscription holds it)")
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("receiver: %w", err)
	}
	fmt.Fprintf(out, "receiving events on http://%s/\n", ln.Addr())
	srv := &http.Server{Handler: eventHandler(*secret, out), ReadHeaderTimeout: 5 * time.Second}
	go func() { <-ctx.Done(); _ = srv.Close() }()
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		return fmt.Errorf("receiver: %w", err)
	}
	return nil
}

// eventHandler verifies, dedupes and prints events.
func eventHandler(secret string, out io.Writer) http.Handler {
	var mu sync.Mutex
	seen := map[string]bool{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, "unreadable body", http.StatusBadRequest)
			return
		}
		if err := notify.VerifySignature(secret, r.Header.Get(notify.SignatureHeader), body, time.Now(), notify.DefaultTolerance); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		var ev struct {
			ID, Type string
			Case     struct{ Number, Status string }
		}
		if err := json.Unmarshal(body, &ev); err != nil || ev.ID == "" {
			http.Error(w, "not an event", http.StatusBadRequest)
			return
		}
		mu.Lock()
		dup := seen[ev.ID]
		seen[ev.ID] = true
		mu.Unlock()
		if dup { // at-least-once: a retry or a replay of an event already handled
			fmt.Fprintf(out, "%s again (ignored)\n", ev.ID)
			return
		}
		fmt.Fprintf(out, "%s %-20s %s → %s\n", ev.ID, ev.Type, ev.Case.Number, ev.Case.Status)
	})
}
