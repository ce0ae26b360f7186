package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"tapline/bot/address"
	"tapline/bot/download"
	"tapline/bot/jobs"
	"tapline/bot/publish"
	"tapline/bot/report"
	"tapline/handlers"
	"tapline/models"
)

// fileTTL is how long generated ledgers and charts (and their links) last.
const fileTTL = 7 * 24 * time.Hour

// openReports builds the ledger and chart services and the signer of
// download links. The links' key is derived from the admin token, which
// every replica shares, so any replica serves a link another one signed.
func (a *App) openReports() {
	a.report = report.New(a.db, a.policy, report.WithClock(a.clock), report.WithLogger(a.log),
		report.WithPreventions(a.db))
	m := hmac.New(sha256.New, []byte(a.cfg.AdminToken))
	m.Write([]byte("tapline file links"))
	a.signer = download.NewSigner(hex.EncodeToString(m.Sum(nil)), a.cfg.PublicURL)
	a.publish = publish.New(a.report, a.policy, a.db, a.db, a.enq, address.Book{Policy: a.policy, Direct: models.ChannelWeComApp, DingTalkCards: a.dingTalkCardsOn()}, a.signer,
		a.clock, a.log, fileTTL)
}

// fileLinks serves the signed links.
func (a *App) fileLinks() *handlers.Files { return &handlers.Files{Store: a.db, Signer: a.signer} }

// reportJobs is the monthly ledger: on the first working day of a month,
// last month's ledger and charts go to the leaders' group (policy 4.4.1).
func (a *App) reportJobs() []jobs.Job {
	never := func(time.Time) string { return "" } // run on request only
	return []jobs.Job{
		{Name: publish.JobLedger, Due: never, Run: func(ctx context.Context, p string) error {
			return a.publish.RunJob(ctx, publish.JobLedger, p)
		}},
		{Name: publish.JobCharts, Due: never, Run: func(ctx context.Context, p string) error {
			return a.publish.RunJob(ctx, publish.JobCharts, p)
		}},
		{Name: "monthly-ledger", Due: jobs.MonthlyOnFirstWorkday(a.isWorkday, models.CST, 8, 30),
			Run: func(ctx context.Context, period string) error {
				m, err := report.ParseMonth(period, a.clock.Now())
				if err != nil {
					return fmt.Errorf("monthly ledger %s: %w", period, err)
				}
				_, err = a.publish.Ledger(ctx, m)
				return err
			}}}
}
