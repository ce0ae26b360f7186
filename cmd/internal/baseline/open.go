package baseline

import (
	"fmt"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// sqliteDSN is the working SQLite DSN of STACK-NOTES (WAL, IMMEDIATE
// transactions, busy timeout), the one the product's store uses.
const sqliteDSN = "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)&_txlock=immediate"

// OpenDB opens the database of baseline (4) with the product store's
// settings: no default transaction, prepared statements, a MySQL pool of 32
// with as many idle connections, one SQLite connection. mysqlDSN wins over
// sqlitePath. It creates the baseline table.
func OpenDB(mysqlDSN, sqlitePath string) (*gorm.DB, error) {
	var d gorm.Dialector
	conns := 32
	if mysqlDSN != "" {
		d = mysql.Open(mysqlDSN)
	} else {
		d, conns = sqlite.Open("file:"+sqlitePath+sqliteDSN), 1
	}
	db, err := gorm.Open(d, &gorm.Config{SkipDefaultTransaction: true, PrepareStmt: true,
		Logger: logger.Discard, NowFunc: func() time.Time { return time.Now().UTC() }})
	if err != nil {
		return nil, fmt.Errorf("baseline db: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("baseline db: %w", err)
	}
	sqlDB.SetMaxOpenConns(conns)
	sqlDB.SetMaxIdleConns(conns)
	if err := db.AutoMigrate(&Row{}); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("baseline db: migrate: %w", err)
	}
	return db, nil
}
