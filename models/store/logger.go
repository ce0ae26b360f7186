package store

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	gormlogger "gorm.io/gorm/logger"
)

// slowQuery is the duration above which a statement is logged.
const slowQuery = 500 * time.Millisecond

// gormLogger sends gorm's messages to slog. It logs only slow statements,
// never failed ones (the store classifies and reports errors itself, and
// duplicate keys are expected in races), and keeps statements parameterised
// so that no personal data reaches the log.
type gormLogger struct{ log *slog.Logger }

func newGormLogger(l *slog.Logger) gormLogger { return gormLogger{log: l} }

// LogMode implements gormlogger.Interface; the level is fixed.
func (g gormLogger) LogMode(gormlogger.LogLevel) gormlogger.Interface { return g }

// Info implements gormlogger.Interface.
func (g gormLogger) Info(ctx context.Context, msg string, args ...any) {
	g.log.InfoContext(ctx, "gorm: "+fmt.Sprintf(msg, args...))
}

// Warn implements gormlogger.Interface.
func (g gormLogger) Warn(ctx context.Context, msg string, args ...any) {
	g.log.WarnContext(ctx, "gorm: "+fmt.Sprintf(msg, args...))
}

// Error implements gormlogger.Interface.
func (g gormLogger) Error(ctx context.Context, msg string, args ...any) {
	g.log.ErrorContext(ctx, "gorm: "+fmt.Sprintf(msg, args...))
}

// Trace implements gormlogger.Interface: slow statements only.
func (g gormLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), _ error) {
	if elapsed := time.Since(begin); elapsed > slowQuery {
		sql, rows := fc()
		g.log.WarnContext(ctx, "slow query", "sql", sql, "rows", rows, "duration", elapsed)
	}
}

// ParamsFilter implements gorm.ParamsFilter: statements are logged without
// their values.
func (g gormLogger) ParamsFilter(_ context.Context, sql string, _ ...any) (string, []any) {
	return sql, nil
}
