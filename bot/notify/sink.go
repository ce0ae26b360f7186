package notify

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"tapline/bot"
)

var _ bot.Sender = (*Sink)(nil)

// SinkEntry is one message the Sink received.
type SinkEntry struct {
	At       time.Time   `json:"at"`
	Audience string      `json:"audience"` // the row's target: a department or person key
	Message  bot.Message `json:"message"`
}

// Sink is the local Sender of the embedded demo without credentials: it
// logs each message at Info and keeps the last few in memory. The outbox
// rows, listed by the admin API, stay the durable record.
type Sink struct {
	logger *slog.Logger
	clock  bot.Clock
	mu     sync.Mutex
	recent []SinkEntry
	size   int
}

// NewSink returns a Sink that keeps the last capacity messages (at least 1).
func NewSink(logger *slog.Logger, capacity int) *Sink {
	return &Sink{logger: logger.With("component", "notify.sink"), clock: bot.SystemClock{}, size: max(capacity, 1)}
}

// Send logs msg for target and remembers it. Cards are already masked.
func (s *Sink) Send(ctx context.Context, target string, msg bot.Message) error {
	e := SinkEntry{At: s.clock.Now(), Audience: target, Message: msg}
	attrs := []any{"audience", target}
	switch {
	case msg.Card != nil:
		attrs = append(attrs, "card", *msg.Card)
	case msg.File != nil:
		attrs = append(attrs, "file", msg.File.Name, "url", msg.File.URL)
	default:
		attrs = append(attrs, "text", msg.Text)
	}
	s.logger.InfoContext(ctx, "sink message", attrs...)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.recent = append(s.recent, e)
	if over := len(s.recent) - s.size; over > 0 {
		s.recent = slices.Delete(s.recent, 0, over)
	}
	return nil
}

// Recent returns the remembered messages, oldest first.
func (s *Sink) Recent() []SinkEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.recent)
}
