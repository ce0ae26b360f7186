package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"tapline/bot/address"
	"tapline/bot/calendar"
	"tapline/bot/remind"
	"tapline/models"
)

// openRemind loads the business calendar and builds the deadline service
// (PRODUCT D1–D3, C1). A malformed calendar stops the start-up with the
// line it fails on.
func (a *App) openRemind() error {
	path := a.cfg.CalendarFile
	if path == "" {
		path = filepath.Join(filepath.Dir(a.cfg.PolicyFile), "calendar.txt")
	}
	cal, err := calendar.Load(path)
	if err != nil {
		return fmt.Errorf("calendar_file: %w", err)
	}
	a.calendar = cal
	book := address.Book{Policy: a.policy, Direct: models.ChannelWeComApp, DingTalkCards: a.dingTalkCardsOn()}
	a.remind = remind.New(remind.Plan{Policy: a.policy, Calendar: cal}, a.db, a.db, book,
		remind.NewAsynqArmer(a.client, a.cfg.Outbox.Queue, a.clock), a.enq, a.clock, a.log,
		remind.WithLocation(cal.Location()), remind.WithOutbox(a.db))
	return nil
}

// isWorkday reports whether t's day is a working day of the calendar.
func (a *App) isWorkday(t time.Time) bool { return a.calendar.IsWorkday(t) }

// startDeadlines runs the deadline reconciler: it arms at once what a
// restart or a Redis flush lost, then every reconcile interval.
func (a *App) startDeadlines(ctx context.Context) func() {
	rctx, cancel := context.WithCancel(ctx)
	go remind.NewReconciler(a.remind, a.cfg.Outbox.ReconcileInterval).Run(rctx)
	return cancel
}
