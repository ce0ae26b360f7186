package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"tapline/bot/auth"
	"tapline/bot/intake"
	"tapline/bot/policy"
	"tapline/cmd/internal/config"
	"tapline/handlers"
	"tapline/handlers/console"
	"tapline/models"
	"tapline/models/store"
)

// Demo console accounts of the embedded default: a hotline operator and a
// crew member of the water-quality lab (policy 3.1, 3.8).
const (
	demoHotline = "hotline.crew"
	demoCrew    = "quality.crew"
)

// wireConsole builds the sign-in and case desk (issue 6), puts it into the
// handlers' dependencies, wraps the staff handler with the `登录` command
// and returns the function that mounts the console's pages.
func (a *App) wireConsole(ctx context.Context, in *intake.Service, d *handlers.Deps) (func(*gin.Engine), error) {
	now := a.clock.Now
	desk := &auth.Desk{
		Policy: a.policy, Sessions: auth.NewSessions(a.rdb, keyPrefix, auth.DefaultSessionTTL),
		Links: auth.NewLinks(a.rdb, keyPrefix), Passwords: auth.NewPasswords(a.db, a.rdb, keyPrefix, 0),
		Tokens: auth.NewTokens(a.db, a.policy, now), Guard: auth.NewGuard(a.policy, a.db, a.db, a.db, a.log),
		Actions: auth.NewActions(a.work, a.policy, a.db, a.db), Intake: in, Counter: a.db, Clock: now,
	}
	if a.embedded != nil {
		if err := a.setDemoPasswords(ctx, desk.Passwords); err != nil {
			return nil, err
		}
	}
	d.Desk = desk
	d.Staff = auth.NewLoginCommand(d.Staff, desk.Links, a.policy, a.consoleBase, a.log)
	c := console.New(desk, a.log, console.WithPublicURL(a.cfg.PublicURL), console.WithReports(a.report),
		console.WithResidentChannel(a.residentChannel()))
	return func(e *gin.Engine) { c.Register(e) }, nil
}

// consoleBase is the base URL of sign-in links: public_url, else the
// listening address on this host.
func (a *App) consoleBase() string {
	if a.cfg.PublicURL != "" {
		return a.cfg.PublicURL
	}
	host, port, err := net.SplitHostPort(a.cfg.HTTPAddr)
	if err != nil || host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// setDemoPasswords gives the demo accounts the passwords written in the
// demo credentials file (generated once, never in the repository).
func (a *App) setDemoPasswords(ctx context.Context, p *auth.Passwords) error {
	for id, pw := range map[string]string{demoHotline: a.embedded.demo.ConsoleHotline, demoCrew: a.embedded.demo.ConsoleCrew} {
		if a.policy.Staff(id) == nil || pw == "" {
			continue // a policy file without the demo roster
		}
		if err := p.Set(ctx, id, pw); err != nil {
			return fmt.Errorf("demo console password for %s: %w", id, err)
		}
	}
	return nil
}

// setPassword sets a roster person's console password, read from the
// first line of in (`server -set-password <staff-id>`): no password in
// the repository, the shell history or the process list.
func setPassword(ctx context.Context, cfg config.Config, staffID string, in io.Reader, out io.Writer) error {
	pol, err := policy.Load(cfg.PolicyFile)
	if err != nil {
		return fmt.Errorf("policy_file: %w", err)
	}
	if pol.Staff(staffID) == nil {
		return fmt.Errorf("-set-password: %q is not in the roster of %s", staffID, cfg.PolicyFile)
	}
	fmt.Fprintf(out, "New console password for %s (at least %d characters), then Enter:\n", staffID, auth.MinPassword)
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("-set-password: read: %w", err)
	}
	sc := store.Config{MySQLDSN: cfg.MySQLDSN}
	if cfg.Embedded() {
		if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
			return fmt.Errorf("data_dir: %w", err)
		}
		sc.SQLitePath = filepath.Join(cfg.DataDir, "tapline.db")
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	db, err := store.Open(ctx, sc)
	if err != nil {
		return fmt.Errorf("-set-password: %w", err)
	}
	defer db.Close()
	if err := auth.NewPasswords(db, nil, keyPrefix, 0).Set(ctx, staffID, strings.TrimRight(line, "\r\n")); err != nil {
		if models.ErrorCode(err) == models.EINVALID {
			return fmt.Errorf("-set-password: %s", models.ErrorMessage(err))
		}
		return fmt.Errorf("-set-password: %w", err)
	}
	fmt.Fprintf(out, "Console password of %s set.\n", staffID)
	return nil
}
