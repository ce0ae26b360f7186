package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"

	gomysql "github.com/go-sql-driver/mysql"

	"tapline/models"
)

// MySQL server error numbers the store reacts to.
const (
	mysqlDupEntry      = 1062
	mysqlLockWait      = 1205
	mysqlDeadlock      = 1213
	mysqlTooManyConns  = 1040
	mysqlServerGoing   = 1053
	mysqlAccessDenied  = 1045
	mysqlUnknownDB     = 1049
	mysqlReadOnly      = 1290
	mysqlQueryKilled   = 1317
	mysqlConnKilled    = 1927
	sqliteBusy         = 5
	sqliteLocked       = 6
	sqliteReadOnly     = 8
	sqliteIOErr        = 10
	sqliteFull         = 13
	sqliteCantOpen     = 14
	sqliteConstraint   = 19
	sqliteConstraintPK = 1555
	sqliteConstraintUQ = 2067
)

// sqliteCoder is the error type of the pure-Go SQLite driver.
type sqliteCoder interface{ Code() int }

// errUnavailable is the person-facing error for an unreachable database.
func errUnavailable() *models.Error {
	return models.Errorf(models.EUNAVAILABLE, "The database is unavailable; please try again later.")
}

// wrap turns a database error into an application error where the cause
// is known: EUNAVAILABLE for connection, timeout and lock-exhaustion
// failures. The cause stays in the chain (errors.Is/As find both).
func (db *DB) wrap(op string, err error) error {
	var appErr *models.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &appErr):
		return fmt.Errorf("%s: %w", op, err)
	case isUnavailable(err):
		db.log.Warn("database unavailable", "op", op, "err", err)
		return fmt.Errorf("%s: %w: %w", op, errUnavailable(), err)
	default:
		db.log.Error("database error", "op", op, "err", err)
		return fmt.Errorf("%s: %w", op, err)
	}
}

// wrapQuiet is wrap for the errors its caller counts and logs itself (a
// deadline firing: remind logs each failure once, and the parking of a
// step that keeps failing once at error level): nothing is logged here.
func (db *DB) wrapQuiet(op string, err error) error {
	var appErr *models.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &appErr):
		return fmt.Errorf("%s: %w", op, err)
	case isUnavailable(err):
		return fmt.Errorf("%s: %w: %w", op, errUnavailable(), err)
	default:
		return fmt.Errorf("%s: %w", op, err)
	}
}

// notFound returns ENOTFOUND for what.
func notFound(format string, args ...any) error {
	return models.Errorf(models.ENOTFOUND, format, args...)
}

// isUnavailable reports whether err means the database cannot serve now.
func isUnavailable(err error) bool {
	var netErr net.Error
	var myErr *gomysql.MySQLError
	var liteErr sqliteCoder
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled),
		errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone),
		errors.Is(err, gomysql.ErrInvalidConn), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, io.EOF), errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.ECONNRESET), errors.As(err, &netErr):
		return true
	case errors.As(err, &myErr):
		switch myErr.Number {
		case mysqlLockWait, mysqlDeadlock, mysqlTooManyConns, mysqlServerGoing,
			mysqlAccessDenied, mysqlUnknownDB, mysqlReadOnly, mysqlQueryKilled, mysqlConnKilled:
			return true
		}
		return false
	case errors.As(err, &liteErr):
		switch liteErr.Code() & 0xff {
		case sqliteBusy, sqliteLocked, sqliteReadOnly, sqliteIOErr, sqliteFull, sqliteCantOpen:
			return true
		}
		return false
	}
	// database/sql has no exported sentinel for a closed pool.
	return strings.Contains(err.Error(), "sql: database is closed")
}

// isRetryable reports whether a transaction failed on a lock conflict that
// a fresh attempt may win (MySQL deadlock or lock wait, SQLite BUSY).
func isRetryable(err error) bool {
	var myErr *gomysql.MySQLError
	var liteErr sqliteCoder
	switch {
	case errors.As(err, &myErr):
		return myErr.Number == mysqlDeadlock || myErr.Number == mysqlLockWait
	case errors.As(err, &liteErr):
		c := liteErr.Code() & 0xff
		return c == sqliteBusy || c == sqliteLocked
	}
	return false
}

// isDuplicate reports a unique or primary key violation.
func isDuplicate(err error) bool {
	var myErr *gomysql.MySQLError
	var liteErr sqliteCoder
	switch {
	case errors.As(err, &myErr):
		return myErr.Number == mysqlDupEntry
	case errors.As(err, &liteErr):
		c := liteErr.Code()
		return c == sqliteConstraintUQ || c == sqliteConstraintPK ||
			(c == sqliteConstraint && strings.Contains(err.Error(), "UNIQUE"))
	}
	return false
}
