package notify

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/hibiken/asynq"
)

// ServerConfig returns an asynq server configuration for Tapline's worker:
// due tasks are checked every 500 ms (the default 5 s delays timers;
// STACK-NOTES asynq), ten workers, the outbox queue first, and asynq's own
// logs at warn level through logger. The caller adds its other queues to
// Queues.
func ServerConfig(logger *slog.Logger) asynq.Config {
	return asynq.Config{
		Concurrency:              10,
		Queues:                   map[string]int{DefaultQueue: 6, "default": 3},
		DelayedTaskCheckInterval: 500 * time.Millisecond,
		RetryDelayFunc:           RetryDelay,
		Logger:                   NewAsynqLogger(logger),
		LogLevel:                 asynq.WarnLevel,
		ShutdownTimeout:          15 * time.Second,
	}
}

// RetryDelay is the retry delay of tasks that use asynq's retries (not
// deliveries, which have MaxRetry 0): 10 s doubling up to 5 minutes,
// instead of asynq's n⁴+15 s.
func RetryDelay(n int, _ error, _ *asynq.Task) time.Duration {
	d := 10 * time.Second << min(max(n, 0), 5)
	return min(d, 5*time.Minute)
}

// asynqLogger adapts slog to asynq.Logger.
type asynqLogger struct{ l *slog.Logger }

// NewAsynqLogger returns an asynq.Logger writing to logger. Fatal logs at
// error level and exits the process, as asynq's own logger does.
func NewAsynqLogger(logger *slog.Logger) asynq.Logger {
	return asynqLogger{logger.With("component", "asynq")}
}

func (a asynqLogger) log(level slog.Level, args []any) {
	a.l.Log(context.Background(), level, fmt.Sprint(args...))
}

// Debug logs at debug level.
func (a asynqLogger) Debug(args ...any) { a.log(slog.LevelDebug, args) }

// Info logs at info level.
func (a asynqLogger) Info(args ...any) { a.log(slog.LevelInfo, args) }

// Warn logs at warn level.
func (a asynqLogger) Warn(args ...any) { a.log(slog.LevelWarn, args) }

// Error logs at error level.
func (a asynqLogger) Error(args ...any) { a.log(slog.LevelError, args) }

// Fatal logs at error level and exits.
func (a asynqLogger) Fatal(args ...any) { a.log(slog.LevelError, args); os.Exit(1) }
