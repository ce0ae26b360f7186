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

// Send logs msg for target and remembers it. The log line is masked
// (MaskMessage, MaskAudience): no session webhook, sign-in link or file
// signature, no resident's full name, phone or address; the remembered
// entry and the outbox row keep the message as it is.
func (s *Sink) Send(ctx context.Context, target string, msg bot.Message) error {
	e := SinkEntry{At: s.clock.Now(), Audience: target, Message: msg}
	attrs := []any{"audience", MaskAudience(target)}
	shown := MaskMessage(msg)
	switch {
	case shown.Card != nil:
		attrs = append(attrs, "card", *shown.Card)
	case shown.File != nil:
		attrs = append(attrs, "file", shown.File.Name, "url", shown.File.URL)
	default:
		attrs = append(attrs, "text", shown.Text)
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
