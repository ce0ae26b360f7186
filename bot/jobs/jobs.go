// Package jobs runs the product's periodic work (the daily prevention
// check, the monthly ledger) once per period across every replica: each
// replica's ticker enqueues an asynq task whose ID names the job and the
// period, kept after completion, so only the first enqueue of a period
// runs; asynq retries a job that failed. Each job is idempotent in the
// database as well.
package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"

	"tapline/bot"
)

// TypeRun is the asynq task type of a job run.
const TypeRun = "job:run"

// retention keeps a finished run's task ID reserved, so a replica that
// ticks later in the same period does not run it again.
const retention = 40 * 24 * time.Hour

// Job is one periodic job. Due returns the period due at now ("" when
// none, e.g. before the hour it runs); Run does the period's work.
type Job struct {
	Name string
	Due  func(now time.Time) string
	Run  func(ctx context.Context, period string) error
}

// Scheduler enqueues due jobs and runs them.
type Scheduler struct {
	client *asynq.Client
	queue  string
	clock  bot.Clock
	log    *slog.Logger
	jobs   map[string]Job
}

// New returns a Scheduler for jobs.
func New(client *asynq.Client, queue string, clock bot.Clock, log *slog.Logger, jobs ...Job) *Scheduler {
	s := &Scheduler{client: client, queue: queue, clock: clock, log: log.With("component", "jobs"), jobs: map[string]Job{}}
	for _, j := range jobs {
		s.jobs[j.Name] = j
	}
	return s
}

type payload struct {
	Name   string `json:"name"`
	Period string `json:"period"`
}

// Tick enqueues each job whose period is due; a period already enqueued
// (by this or another replica) is skipped.
func (s *Scheduler) Tick(ctx context.Context) error {
	var errs []error
	for _, j := range s.jobs {
		period := j.Due(s.clock.Now())
		if period == "" {
			continue
		}
		data, _ := json.Marshal(payload{Name: j.Name, Period: period})
		_, err := s.client.EnqueueContext(ctx, asynq.NewTask(TypeRun, data), asynq.Queue(s.queue),
			asynq.TaskID("job:"+j.Name+":"+period), asynq.Retention(retention), asynq.MaxRetry(5),
			asynq.Timeout(10*time.Minute))
		if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) && !errors.Is(err, asynq.ErrDuplicateTask) {
			errs = append(errs, fmt.Errorf("enqueue job %s %s: %w", j.Name, period, err))
		}
	}
	return errors.Join(errs...)
}

// Run ticks every interval until ctx ends.
func (s *Scheduler) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := s.Tick(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("job tick", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Handle is the asynq handler of TypeRun.
func (s *Scheduler) Handle(ctx context.Context, t *asynq.Task) error {
	var p payload
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("jobs: bad payload: %w", asynq.SkipRetry)
	}
	j, ok := s.jobs[p.Name]
	if !ok {
		return fmt.Errorf("jobs: unknown job %q: %w", p.Name, asynq.SkipRetry)
	}
	start := time.Now()
	if err := j.Run(ctx, p.Period); err != nil {
		s.log.ErrorContext(ctx, "job failed", "job", p.Name, "period", p.Period, "err", err)
		return err
	}
	s.log.InfoContext(ctx, "job done", "job", p.Name, "period", p.Period, "took", time.Since(start).String())
	return nil
}

// Daily is due once a day from hour:minute in loc; the period is the date.
func Daily(loc *time.Location, hour, minute int) func(time.Time) string {
	return func(now time.Time) string {
		n := now.In(loc)
		if n.Hour()*60+n.Minute() < hour*60+minute {
			return ""
		}
		return n.Format("2006-01-02")
	}
}

// MonthlyOnFirstWorkday is due on the first working day of each month
// from hour:minute (in loc) to the day's end; the period is the previous
// month ("2026-10"), the one whose ledger is due (policy 4.4.1). A server
// down that whole day does not send it later (leaders ask with 台账).
func MonthlyOnFirstWorkday(isWorkday func(time.Time) bool, loc *time.Location, hour, minute int) func(time.Time) string {
	return func(now time.Time) string {
		n := now.In(loc)
		first := time.Date(n.Year(), n.Month(), 1, 12, 0, 0, 0, loc)
		for !isWorkday(first) && first.Month() == n.Month() {
			first = first.AddDate(0, 0, 1)
		}
		start := time.Date(first.Year(), first.Month(), first.Day(), hour, minute, 0, 0, loc)
		if n.Before(start) || n.Day() != first.Day() {
			return ""
		}
		return time.Date(n.Year(), n.Month(), 1, 0, 0, 0, 0, loc).AddDate(0, -1, 0).Format("2006-01")
	}
}

// RunNow enqueues job name for period at once (an on-demand request);
// requests with the same key (e.g. the same month within a minute) run
// once.
func (s *Scheduler) RunNow(ctx context.Context, name, period, key string) error {
	if _, ok := s.jobs[name]; !ok {
		return fmt.Errorf("jobs: unknown job %q", name)
	}
	data, _ := json.Marshal(payload{Name: name, Period: period})
	_, err := s.client.EnqueueContext(ctx, asynq.NewTask(TypeRun, data), asynq.Queue(s.queue),
		asynq.TaskID("job:"+name+":"+period+":"+key), asynq.Retention(time.Hour), asynq.MaxRetry(3),
		asynq.Timeout(10*time.Minute))
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) && !errors.Is(err, asynq.ErrDuplicateTask) {
		return fmt.Errorf("jobs: run %s %s: %w", name, period, err)
	}
	return nil
}
