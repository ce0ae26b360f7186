package store

import (
	"context"
	"database/sql"
	"errors"
	"math/rand/v2"
	"time"

	"gorm.io/gorm"
)

// txAttempts is how often a transaction runs before lock conflicts give up.
const txAttempts = 6

// errRetry asks inTx to run the transaction again (optimistic conflict).
var errRetry = errors.New("store: retry transaction")

// inTx runs fn in a transaction, again on deadlocks, lock waits, SQLite
// BUSY or errRetry, with a short jittered backoff. MySQL transactions use
// READ COMMITTED: no gap locks, and each statement sees the latest commits
// (the sessions' default, set in the DSN; else set per transaction).
func (db *DB) inTx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	var opts []*sql.TxOptions
	if db.dialect == DialectMySQL && !db.sessionRC {
		opts = append(opts, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	}
	var err error
	for attempt := 0; attempt < txAttempts; attempt++ {
		if attempt > 0 && !sleep(ctx, backoff(attempt)) {
			break
		}
		err = db.conn.WithContext(ctx).Transaction(fn, opts...)
		if err == nil || !(errors.Is(err, errRetry) || isRetryable(err)) {
			return err
		}
		db.log.DebugContext(ctx, "transaction retry", "attempt", attempt+1, "err", err)
	}
	return err
}

// updateRetried runs one UPDATE (built by fn on the transaction) as inTx
// does — READ COMMITTED on MySQL, again after a deadlock or lock wait — and
// returns the rows it matched. Under MariaDB's default REPEATABLE READ a
// lone UPDATE of an indexed column can deadlock with the transactions
// around it and fail outright.
func (db *DB) updateRetried(ctx context.Context, fn func(tx *gorm.DB) *gorm.DB) (int64, error) {
	var n int64
	err := db.inTx(ctx, func(tx *gorm.DB) error {
		res := fn(tx)
		n = res.RowsAffected
		return res.Error
	})
	return n, err
}

// backoff is a jittered delay growing with the attempt: ~2, 4, 8, 16, 32 ms.
func backoff(attempt int) time.Duration {
	base := time.Millisecond << attempt
	return base/2 + rand.N(base)
}

// sleep waits d or until ctx is done; it reports whether d elapsed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
