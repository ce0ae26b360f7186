package notify

import (
	"bytes"
	"log/slog"
	"testing"
	"time"
)

func TestNewDeliverTask(t *testing.T) {
	task, err := NewDeliverTask(42)
	if err != nil {
		t.Fatal(err)
	}
	if task.Type() != TypeDeliver || string(task.Payload()) != `{"id":42}` {
		t.Errorf("task %s %s", task.Type(), task.Payload())
	}
	if id, err := parseDeliverTask(task); err != nil || id != 42 {
		t.Errorf("parse: %d %v", id, err)
	}
	if _, err := NewDeliverTask(0); err == nil {
		t.Error("zero id accepted")
	}
}

func TestTaskID(t *testing.T) {
	at := time.Date(2024, 5, 1, 2, 0, 0, 123456789, time.UTC)
	if got := taskID(7, at); got != "outbox:7:1714528800123" {
		t.Errorf("taskID = %s", got)
	}
	if taskID(7, at) != taskID(7, at.Truncate(time.Millisecond)) || taskID(7, at) == taskID(7, at.Add(time.Millisecond)) {
		t.Error("task IDs must follow NextAt at millisecond precision")
	}
}

func TestServerConfig(t *testing.T) {
	var buf bytes.Buffer
	cfg := ServerConfig(slog.New(slog.NewTextHandler(&buf, nil)))
	if cfg.DelayedTaskCheckInterval != 500*time.Millisecond || cfg.Queues[DefaultQueue] == 0 || cfg.Concurrency <= 0 {
		t.Errorf("config %+v", cfg)
	}
	cfg.Logger.Warn("queue ", "down")
	if !bytes.Contains(buf.Bytes(), []byte("level=WARN")) || !bytes.Contains(buf.Bytes(), []byte("queue down")) {
		t.Errorf("log %s", buf.String())
	}
	for n, want := range map[int]time.Duration{0: 10 * time.Second, 1: 20 * time.Second, 4: 160 * time.Second, 10: 5 * time.Minute} {
		if got := cfg.RetryDelayFunc(n, nil, nil); got != want {
			t.Errorf("RetryDelay(%d) = %v, want %v", n, got, want)
		}
	}
}

func TestCeilSecond(t *testing.T) {
	base := time.Date(2024, 5, 1, 2, 0, 5, 0, time.UTC)
	for in, want := range map[time.Duration]time.Duration{0: 0, time.Millisecond: time.Second, 999 * time.Millisecond: time.Second} {
		if got := ceilSecond(base.Add(in)); !got.Equal(base.Add(want)) {
			t.Errorf("ceilSecond(+%v) = %v", in, got)
		}
	}
}
