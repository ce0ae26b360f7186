package main

import (
	"context"
	"fmt"

	"tapline/bot/address"
	"tapline/bot/jobs"
	"tapline/bot/prevent"
	"tapline/models"
)

// openPrevent builds the prevention-measure service (policy 4.4.2).
func (a *App) openPrevent() {
	a.prevent = prevent.New(a.policy, a.db, a.db, address.Book{Policy: a.policy, Direct: models.ChannelWeComApp, DingTalkCards: a.dingTalkCardsOn()},
		a.enq, a.clock, a.log)
}

// scheduler returns the periodic jobs: every morning the search for
// recurring complaints and the check of announced prevention measures.
func (a *App) scheduler() *jobs.Scheduler {
	daily := jobs.Job{Name: "prevention", Due: jobs.Daily(models.CST, 8, 0), Run: func(ctx context.Context, _ string) error {
		if _, err := a.prevent.Detect(ctx); err != nil {
			return fmt.Errorf("prevention: %w", err)
		}
		_, err := a.prevent.CheckEffects(ctx)
		return err
	}}
	return jobs.New(a.client, a.cfg.Outbox.Queue, a.clock, a.log, append([]jobs.Job{daily}, a.reportJobs()...)...)
}
