// Command server runs Tapline: the webhook and admin HTTP side, the outbox
// worker, or both. With no configuration it starts the embedded default
// (SQLite and an in-process Redis) and prints where to send messages.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"tapline/cmd/internal/config"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "tapline:", err)
		os.Exit(1)
	}
}

// run parses flags, loads the configuration and runs the app until a
// signal arrives or ctx ends.
func run(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	path := fs.String("config", getenv("TAPLINE_CONFIG"), "YAML configuration file (env TAPLINE_CONFIG)")
	role := fs.String("role", "", "all, web or worker (overrides the role key)")
	setPw := fs.String("set-password", "", "set the console password of this roster staff ID (read from stdin) and exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := config.Load(*path, getenv)
	if err != nil {
		return err
	}
	if *setPw != "" {
		return setPassword(ctx, cfg, *setPw, os.Stdin, out)
	}
	if *role != "" {
		cfg.Role = *role
		if err := cfg.Validate(); err != nil {
			return err
		}
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := newLogger(out, cfg.LogLevel)
	app, err := Open(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer app.Close()
	return app.Run(ctx, out)
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}
