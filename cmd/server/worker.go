package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"

	"tapline/bot/jobs"
	"tapline/bot/notify"
	"tapline/bot/remind"
	"tapline/bot/wechat"
	"tapline/models"
)

// startWorker runs the asynq server delivering the outbox, and the
// reconciler that re-arms due rows (after a Redis flush, a restart of the
// embedded default, or a crashed worker). It returns the stop function.
func (a *App) startWorker(ctx context.Context) (func(), error) {
	senders, err := a.senders()
	if err != nil {
		return nil, err
	}
	o := a.cfg.Outbox
	backoff, err := o.BackoffWaits()
	if err != nil {
		return nil, err
	}
	limiter := notify.NewRedisLimiter(a.rdb, keyPrefix+"ratelimit:")
	d := notify.NewDeliverer(a.db, senders, limiter, a.clock, a.log,
		notify.WithScheduler(a.enq), notify.WithObserver(a.metrics.Delivery), notify.WithOnFailed(a.undeliverable),
		notify.WithLease(o.Lease), notify.WithBudget(o.Budget), notify.WithBackoff(backoff...),
		notify.WithRowSender(models.ChannelWebhook, notify.NewWebhookSender(a.db, a.egress, a.clock, a.cfg.Webhooks.Timeout)))
	mux := asynq.NewServeMux()
	mux.HandleFunc(notify.TypeDeliver, d.HandleDeliver)
	mux.HandleFunc(remind.TypeFire, a.remind.HandleFire)
	mux.HandleFunc(jobs.TypeRun, a.sched.Handle)
	scfg := notify.ServerConfig(a.log)
	scfg.Queues = map[string]int{o.Queue: 6, "default": 3}
	srv := asynq.NewServer(a.asynqOpt, scfg)
	if err := srv.Start(mux); err != nil {
		return nil, fmt.Errorf("worker: %w", err)
	}
	rctx, cancel := context.WithCancel(ctx)
	rec := notify.NewReconciler(a.db, a.enq, a.clock, a.log, notify.WithInterval(o.ReconcileInterval))
	go rec.Run(rctx) // first pass at once: re-arms rows left by a restart
	stopDeadlines := a.startDeadlines(ctx)
	go a.sched.Run(rctx, time.Minute)
	return func() { cancel(); stopDeadlines(); srv.Shutdown() }, nil
}

// undeliverable asks the hotline to phone a resident whom a case message
// could not reach through WeChat (outside the 48-hour window with no
// template, unfollowed, refused).
func (a *App) undeliverable(ctx context.Context, row *models.Outbox, err error) {
	if row.Channel != models.ChannelWeChatCS || row.CaseID == 0 {
		return
	}
	why := "微信消息发送失败"
	if errors.Is(err, wechat.ErrOutsideWindow) {
		why = "居民超过48小时未与公众号互动"
	}
	if ferr := a.work.FlagPhoneCall(ctx, row.CaseID, why); ferr != nil {
		a.log.Error("phone-call flag not recorded", "case_id", row.CaseID, "err", ferr)
	}
}
