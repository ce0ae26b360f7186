// Package notify delivers outbox rows: an asynq task per row ID, a
// deliverer that claims the row, respects the robots' rate limits, sends
// through the platform Sender and records every attempt, and a reconciler
// that re-arms due rows (gitea's deliver pattern, STYLE.md example 10).
package notify

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/hibiken/asynq"
)

// TypeDeliver is the asynq task type that delivers one outbox row.
const TypeDeliver = "outbox:deliver"

// DefaultQueue is the asynq queue of delivery tasks.
const DefaultQueue = "outbox"

// deliverPayload is the task payload: only the row ID; the handler reloads
// the row.
type deliverPayload struct {
	ID uint64 `json:"id"`
}

// NewDeliverTask returns a task that delivers outbox row id; its payload is
// {"id":N}.
func NewDeliverTask(id uint64) (*asynq.Task, error) {
	if id == 0 {
		return nil, fmt.Errorf("new deliver task: zero id")
	}
	data, err := json.Marshal(deliverPayload{ID: id})
	if err != nil {
		return nil, fmt.Errorf("new deliver task: %w", err)
	}
	return asynq.NewTask(TypeDeliver, data), nil
}

// parseDeliverTask returns the row ID of a deliver task.
func parseDeliverTask(t *asynq.Task) (uint64, error) {
	var p deliverPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return 0, fmt.Errorf("parse deliver task: %w", err)
	}
	if p.ID == 0 {
		return 0, fmt.Errorf("parse deliver task: zero id")
	}
	return p.ID, nil
}

// taskID names the task that delivers row id when it is due at at. A row's
// NextAt changes on every claim, retry and reschedule, so each due state of
// a row has its own ID: enqueueing the same due row twice is a no-op, and a
// row whose lease expired gets a new task.
func taskID(id uint64, at time.Time) string {
	return fmt.Sprintf("outbox:%d:%d", id, at.UnixMilli())
}
