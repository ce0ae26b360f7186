package store

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/url"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/glebarez/sqlite"
	gomysql "github.com/go-sql-driver/mysql"
	"gorm.io/driver/mysql"
	"gorm.io/gorm"

	"tapline/models"
)

// mysqlDialTimeout bounds connecting to an unreachable server.
const mysqlDialTimeout = 5 * time.Second

// openDialector picks the backend: MySQLDSN wins over SQLitePath.
func (db *DB) openDialector(ctx context.Context, cfg Config) (gorm.Dialector, string, error) {
	switch {
	case cfg.MySQLDSN != "":
		dsn, err := mysqlDSN(cfg.MySQLDSN, cfg.Dial)
		if err != nil {
			return nil, "", err
		}
		dsn, db.sessionRC = sessionReadCommitted(ctx, dsn)
		return mysql.Open(dsn), DialectMySQL, nil
	case cfg.SQLitePath != "":
		return sqlite.Open(sqliteDSN(cfg.SQLitePath)), DialectSQLite, nil
	default:
		return nil, "", models.Errorf(models.EINVALID, "store: neither a MySQL DSN nor a SQLite path is configured")
	}
}

// mysqlDSN parses dsn and enforces the settings the store relies on
// (STACK-NOTES, MariaDB): parsed UTC times, utf8mb4, and RowsAffected
// counting matched rather than changed rows.
func mysqlDSN(dsn string, dial func(ctx context.Context, network, addr string) (net.Conn, error)) (string, error) {
	c, err := gomysql.ParseDSN(dsn)
	if err != nil {
		// The parse error never contains the password.
		return "", models.Errorf(models.EINVALID, "store: invalid MySQL DSN: %v", err)
	}
	if dial != nil {
		c.Net = registerDial(c.Net, dial)
	}
	c.ParseTime = true
	c.Loc = time.UTC
	c.ClientFoundRows = true
	c.InterpolateParams = true // one round trip a statement: no prepare, no close (utf8mb4 is safe for it)
	if c.Timeout == 0 {
		c.Timeout = mysqlDialTimeout
	}
	if c.Params == nil {
		c.Params = map[string]string{}
	}
	if c.Params["charset"] == "" && c.Collation == "" {
		c.Params["charset"] = "utf8mb4"
	}
	if c.Params["time_zone"] == "" {
		c.Params["time_zone"] = "'+00:00'" // SQL NOW() agrees with Go times
	}
	return c.FormatDSN(), nil
}

// sqliteDSN builds the DSN measured in STACK-NOTES: immediate transactions,
// WAL, busy timeout, and no _time_format (it silently disables _txlock).
func sqliteDSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Set("_txlock", "immediate")
	return sqlitePathDSN(path, q)
}

// sqlitePathDSN is the DSN of the file path with the query q.
func sqlitePathDSN(path string, q url.Values) string {
	esc := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	return "file:" + esc + "?" + q.Encode()
}

// sqliteReadConns is the size of SQLite's read pool, where the ledger's
// lookups run side by side: one per CPU, two to four (more connections
// than CPUs measured slower: the engine's mutexes spin).
var sqliteReadConns = min(4, max(2, runtime.GOMAXPROCS(0)))

// openReads sets up the reports' read pool (DB.reads).
func (db *DB) openReads() error {
	if db.dialect != DialectSQLite || db.sqlitePath == ":memory:" || strings.Contains(db.sqlitePath, "mode=memory") {
		db.reads = db.conn // an in-memory database is one connection's own
		return nil
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "query_only(1)")
	conn, err := gorm.Open(sqlite.Open(sqlitePathDSN(db.sqlitePath, q)), &gorm.Config{
		SkipDefaultTransaction: true, NowFunc: db.now, Logger: newGormLogger(db.log)})
	if err != nil {
		return db.wrap("store: open sqlite reads", err)
	}
	sqlDB, err := conn.DB()
	if err != nil {
		return fmt.Errorf("store: open sqlite reads: %w", err)
	}
	sizePool(sqlDB, sqliteReadConns)
	db.reads, db.readsDB = conn, sqlDB
	return nil
}

// caseCounter is the per-day sequence behind case numbers.
type caseCounter struct {
	Day string `gorm:"primaryKey;size:8"` // yyyymmdd in Config.Location
	Seq int64  `gorm:"not null"`
}

// TableName names the counter table.
func (caseCounter) TableName() string { return "case_counters" }

// tables lists every table the store migrates.
func tables() []any {
	return []any{
		&models.Case{}, &models.CaseEvent{}, &models.Outbox{},
		&models.DeliveryAttempt{}, &models.InboundMessage{}, &models.Resident{},
		&caseCounter{},
		&models.CaseWork{}, &models.Measure{}, &models.Approval{},
		&models.Deadline{}, &models.Warning{}, &models.Incident{},
		&models.CallBack{}, &models.Rating{}, &models.Prevention{}, &models.StoredFile{},
		&models.Account{}, &models.APIToken{}, &models.PersonalDataRead{},
		&models.Subscription{}, &models.IdempotencyRecord{},
		&models.Correction{},
	}
}

// Migrate creates or updates all tables. Several processes may start at
// once: a lost create race is retried.
func (db *DB) Migrate(ctx context.Context) error {
	conn := db.conn.WithContext(ctx)
	if db.dialect == DialectMySQL {
		conn = conn.Set("gorm:table_options",
			"ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci")
	}
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		if err = db.migrateOnce(conn); err == nil {
			return nil
		}
		if ctx.Err() != nil {
			break
		}
	}
	return db.wrap("store: migrate", err)
}

// migrateOnce readies old data for new constraints, migrates every table
// and drops the retired indexes.
func (db *DB) migrateOnce(conn *gorm.DB) error {
	if err := uniqueInboundKeys(conn, db); err != nil {
		return err
	}
	if err := conn.AutoMigrate(tables()...); err != nil {
		return err
	}
	if err := db.migrateSearch(conn); err != nil {
		return err
	}
	return dropRetiredIndexes(conn)
}

// retiredIndexes are indexes an earlier version made that a wider one now
// covers (its first column is theirs).
var retiredIndexes = []struct {
	model any
	name  string
}{
	{&models.CaseEvent{}, "idx_case_events_case_id"},
	{&models.Deadline{}, "idx_deadlines_case_id"},
	{&models.InboundMessage{}, "idx_inbound_messages_dedupe_key"}, // now uniq_inbound_dedupe_key
}

// dropRetiredIndexes drops the retired indexes still there; another
// process dropping one first is not an error.
func dropRetiredIndexes(conn *gorm.DB) error {
	m := conn.Migrator()
	for _, r := range retiredIndexes {
		if !m.HasIndex(r.model, r.name) {
			continue
		}
		if err := m.DropIndex(r.model, r.name); err != nil && m.HasIndex(r.model, r.name) {
			return fmt.Errorf("drop index %s: %w", r.name, err)
		}
	}
	return nil
}

// dialSeq numbers the dial networks registered with the MySQL driver.
var dialSeq atomic.Int64

// registerDial registers dial with the MySQL driver under a name of its
// own for network (tcp or unix) and returns the name for the DSN's Net.
func registerDial(network string, dial func(ctx context.Context, network, addr string) (net.Conn, error)) string {
	if network == "" {
		network = "tcp"
	}
	name := fmt.Sprintf("tapline-%s-%d", network, dialSeq.Add(1))
	gomysql.RegisterDialContext(name, func(ctx context.Context, addr string) (net.Conn, error) {
		return dial(ctx, network, addr)
	})
	return name
}

// sessionReadCommitted returns dsn with READ COMMITTED as the sessions'
// default isolation, under the variable name the server knows (MariaDB
// tx_isolation, MySQL transaction_isolation), and true; when the server
// cannot be asked it returns dsn as it is and false (each transaction then
// sets its isolation itself).
func sessionReadCommitted(ctx context.Context, dsn string) (string, bool) {
	probe, err := sql.Open("mysql", dsn)
	if err != nil {
		return dsn, false
	}
	defer probe.Close()
	ctx, cancel := context.WithTimeout(ctx, mysqlDialTimeout)
	defer cancel()
	var version string
	if err := probe.QueryRowContext(ctx, "SELECT VERSION()").Scan(&version); err != nil {
		return dsn, false
	}
	c, err := gomysql.ParseDSN(dsn)
	if err != nil {
		return dsn, false
	}
	if c.Params == nil {
		c.Params = map[string]string{}
	}
	name := "transaction_isolation"
	if strings.Contains(strings.ToLower(version), "mariadb") {
		name = "tx_isolation"
	}
	c.Params[name] = "'READ-COMMITTED'"
	return c.FormatDSN(), true
}
