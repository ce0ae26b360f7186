package config

import (
	"fmt"
	"strings"
	"time"
)

// Outbox tunes the delivery of outbound messages (cards, replies). The
// defaults suit production; tests and drills shorten them.
type Outbox struct {
	Queue             string        `yaml:"queue"`              // asynq queue of delivery tasks
	Lease             time.Duration `yaml:"lease"`              // claim lease of one attempt; a dead worker's row is re-armed after it
	Budget            int           `yaml:"budget"`             // attempts before a row fails for good
	Backoff           string        `yaml:"backoff"`            // waits after failed attempts, comma-separated; the last repeats
	ReconcileInterval time.Duration `yaml:"reconcile_interval"` // how often due rows are re-armed
	RateLimitWait     time.Duration `yaml:"rate_limit_wait"`    // wait after a platform reports its rate limit
}

// DefaultBackoff is the default outbox.backoff (notify.DefaultBackoff).
const DefaultBackoff = "10s,30s,1m,2m,5m,10m,30m,1h"

// minLease keeps a claim longer than the bookkeeping around one send; the
// sends themselves are cut at three quarters of the lease.
const minLease = 2 * time.Second

func defaultOutbox() Outbox {
	return Outbox{Queue: "outbox", Lease: time.Minute, Budget: 12, Backoff: DefaultBackoff,
		ReconcileInterval: 15 * time.Second, RateLimitWait: time.Minute}
}

// BackoffWaits parses outbox.backoff.
func (o Outbox) BackoffWaits() ([]time.Duration, error) {
	var waits []time.Duration
	for _, s := range strings.Split(o.Backoff, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(s))
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("outbox.backoff: %q is not a list of positive durations like %q", o.Backoff, DefaultBackoff)
		}
		waits = append(waits, d)
	}
	return waits, nil
}

func (c *Config) validateOutbox() error {
	o := c.Outbox
	switch {
	case o.Queue == "":
		return fmt.Errorf("outbox.queue: required")
	case o.Lease < minLease:
		return fmt.Errorf("outbox.lease: at least %s", minLease)
	case o.Budget < 1:
		return fmt.Errorf("outbox.budget: at least 1")
	case o.ReconcileInterval <= 0:
		return fmt.Errorf("outbox.reconcile_interval: must be positive")
	case o.RateLimitWait <= 0:
		return fmt.Errorf("outbox.rate_limit_wait: must be positive")
	}
	_, err := o.BackoffWaits()
	return err
}
