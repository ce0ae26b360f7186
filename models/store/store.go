// Package store implements the models service interfaces (cases, outbox,
// inbound messages, residents) with gorm on MySQL/MariaDB or SQLite.
//
// All times are stored in UTC, truncated to milliseconds, so that both
// backends compare and return the same values (MariaDB datetime(3) keeps
// milliseconds; SQLite stores text compared as strings).
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"gorm.io/gorm"

	"tapline/models"
)

// Dialect names returned by DB.Dialect.
const (
	DialectMySQL  = "mysql"
	DialectSQLite = "sqlite"
)

// defaultMySQLConns is the pool size when Config.MaxOpenConns is zero.
const defaultMySQLConns = 32

// pingTimeout bounds Ping (readiness probes) and the ping in Open.
const pingTimeout = 2 * time.Second

// Config selects and tunes the database.
type Config struct {
	// MySQLDSN is a go-sql-driver DSN; it wins over SQLitePath when both are
	// set. parseTime, loc=UTC, utf8mb4 and clientFoundRows are enforced.
	MySQLDSN string
	// SQLitePath is the SQLite database file (created if missing).
	SQLitePath string
	// MaxOpenConns is the MySQL pool size (default 32); SQLite always uses 1.
	MaxOpenConns int
	// Logger receives slow-query and error logs; default discards.
	Logger *slog.Logger
	// Location is the zone of the date in case numbers; default fixed UTC+8 "CST".
	Location *time.Location
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Dial, when set, opens the MySQL connections (a counting dialer,
	// bot/metrics); default the driver's own.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// DB is the gorm-backed store. It is safe for concurrent use.
type DB struct {
	conn  *gorm.DB
	sqlDB *sql.DB
	// reads is the pool of the reports' long reads: conn on MySQL, on
	// SQLite a read-only pool of its own, so a month's ledger neither holds
	// the one writer connection nor waits for it (WAL readers run beside
	// the writer).
	reads      *gorm.DB
	readsDB    *sql.DB
	sqlitePath string
	dialect    string
	// sessionRC: MySQL sessions default to READ COMMITTED, so a
	// transaction needs no SET TRANSACTION of its own.
	sessionRC bool
	log       *slog.Logger
	loc       *time.Location
	clock     func() time.Time
	// fts: the SQLite search index exists (migrateSearch).
	fts bool
}

// Compile-time checks that DB implements the service contracts.
var (
	_ models.CaseService     = (*DB)(nil)
	_ models.OutboxService   = (*DB)(nil)
	_ models.InboundService  = (*DB)(nil)
	_ models.ResidentService = (*DB)(nil)
)

// Open connects to the configured database, pings it and migrates all
// tables. Connection failures carry code EUNAVAILABLE.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	db := &DB{log: cfg.Logger, loc: cfg.Location, clock: cfg.Now, sqlitePath: cfg.SQLitePath}
	if db.log == nil {
		db.log = slog.New(slog.DiscardHandler)
	}
	if db.loc == nil {
		db.loc = models.CST
	}
	if db.clock == nil {
		db.clock = time.Now
	}
	dialector, dialect, err := db.openDialector(ctx, cfg)
	if err != nil {
		return nil, err
	}
	db.dialect = dialect
	if err := db.connect(ctx, dialector, cfg.MaxOpenConns); err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		_ = db.sqlDB.Close()
		return nil, err
	}
	db.log.Info("store opened", "dialect", dialect)
	return db, nil
}

// connect opens the gorm handle, sizes the pool and pings.
func (db *DB) connect(ctx context.Context, dialector gorm.Dialector, maxOpen int) error {
	conn, err := gorm.Open(dialector, &gorm.Config{
		SkipDefaultTransaction: true,
		// No prepared statements: on MySQL the driver interpolates the
		// parameters (one round trip a statement; a transaction's prepared
		// statements were prepared again and closed in every transaction,
		// issue 18), and gorm's statement cache can deadlock SQLite's
		// one-connection pool (go-gorm/gorm#7350, #7465).
		NowFunc: db.now,
		Logger:  newGormLogger(db.log),
	})
	if err != nil {
		return db.wrap(fmt.Sprintf("store: open %s", db.dialect), err)
	}
	sqlDB, err := conn.DB()
	if err != nil {
		return fmt.Errorf("store: open %s: %w", db.dialect, err)
	}
	db.conn, db.sqlDB = conn, sqlDB
	if db.dialect == DialectSQLite {
		maxOpen = 1 // one writer; busy waits and BUSY errors vanish (STACK-NOTES)
	} else if maxOpen <= 0 {
		maxOpen = defaultMySQLConns
	}
	sizePool(sqlDB, maxOpen)
	if err := db.Ping(ctx); err != nil {
		_ = sqlDB.Close()
		return fmt.Errorf("store: connect %s: %w", db.dialect, err)
	}
	return db.openReads()
}

// sizePool keeps up to n connections open and as many idle (fewer idle
// means constant reconnects, STACK-NOTES).
func sizePool(sqlDB *sql.DB, n int) {
	sqlDB.SetMaxOpenConns(n)
	sqlDB.SetMaxIdleConns(n)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
}

// Gorm returns the underlying gorm handle for packages that add tables.
func (db *DB) Gorm() *gorm.DB { return db.conn }

// Dialect returns "mysql" or "sqlite".
func (db *DB) Dialect() string { return db.dialect }

// Ping checks that the database answers within a short timeout; it returns
// EUNAVAILABLE when it does not.
func (db *DB) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	if err := db.sqlDB.PingContext(ctx); err != nil {
		return db.wrap("store: ping", err)
	}
	return nil
}

// Close closes the connection pool. Later calls return EUNAVAILABLE.
func (db *DB) Close() error {
	if db.readsDB != nil {
		if err := db.readsDB.Close(); err != nil && !errors.Is(err, sql.ErrConnDone) {
			return fmt.Errorf("store: close reads: %w", err)
		}
	}
	if err := db.sqlDB.Close(); err != nil && !errors.Is(err, sql.ErrConnDone) {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// now is the store's clock: UTC, truncated to milliseconds.
func (db *DB) now() time.Time { return norm(db.clock()) }

// norm converts t to UTC milliseconds, the precision both backends keep.
func norm(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }
