package main

import (
	"context"
	"fmt"

	"github.com/hibiken/asynq"

	"tapline/bot/notify"
)

// startWorker runs the asynq server delivering the outbox, and the
// reconciler that re-arms due rows (after a Redis flush, a restart of the
// embedded default, or a crashed worker). It returns the stop function.
func (a *App) startWorker(ctx context.Context) (func(), error) {
	senders, err := a.senders()
	if err != nil {
		return nil, err
	}
	limiter := notify.NewRedisLimiter(a.rdb, keyPrefix+"ratelimit:")
	d := notify.NewDeliverer(a.db, senders, limiter, a.clock, a.log,
		notify.WithScheduler(a.enq), notify.WithObserver(a.metrics.Delivery))
	mux := asynq.NewServeMux()
	mux.HandleFunc(notify.TypeDeliver, d.HandleDeliver)
	srv := asynq.NewServer(a.asynqOpt, notify.ServerConfig(a.log))
	if err := srv.Start(mux); err != nil {
		return nil, fmt.Errorf("worker: %w", err)
	}
	rctx, cancel := context.WithCancel(ctx)
	rec := notify.NewReconciler(a.db, a.enq, a.clock, a.log)
	go rec.Run(rctx) // first pass at once: re-arms rows left by a restart

	return func() { cancel(); srv.Shutdown() }, nil
}
