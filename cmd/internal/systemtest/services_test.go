package systemtest

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql"
	"github.com/redis/go-redis/v9"
)

// privateRedis is a redis-server of the test's own on a free port, without
// persistence: restarting it loses everything, as a flushed Redis would.
type privateRedis struct {
	t    testing.TB
	port int
	dir  string
	p    *proc
}

// startRedis starts a private redis-server; the test ends it.
func startRedis(t testing.TB) *privateRedis {
	t.Helper()
	needBinaries(t, "redis-server")
	r := &privateRedis{t: t, port: freePort(t), dir: t.TempDir()}
	r.start()
	t.Cleanup(func() { r.p.kill() })
	return r
}

// Addr is host:port of the server.
func (r *privateRedis) Addr() string { return "127.0.0.1:" + strconv.Itoa(r.port) }

func (r *privateRedis) start() {
	r.t.Helper()
	p, err := startProc("redis", r.dir, nil, "redis-server", "--port", strconv.Itoa(r.port),
		"--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", r.dir)
	if err != nil {
		r.t.Fatal(err)
	}
	r.p = p
	rdb := redis.NewClient(&redis.Options{Addr: r.Addr()})
	defer rdb.Close()
	eventually(r.t, 20*time.Second, func() bool {
		return !p.exited() && rdb.Ping(context.Background()).Err() == nil
	}, func() string { return "redis-server up: " + p.out.tail(2000) })
}

// restart kills the server and starts it again, empty, on the same port.
func (r *privateRedis) restart() {
	r.t.Helper()
	r.p.kill()
	r.start()
}

// mariaTemplate is a data directory made once by mariadb-install-db and
// copied for every private server (the install takes seconds; a copy
// does not).
var mariaTemplate struct {
	once sync.Once
	dir  string
	err  error
}

func templateDir() (string, error) {
	mariaTemplate.once.Do(func() {
		dir, err := os.MkdirTemp("", "tapline-mariadb-template-")
		if err != nil {
			mariaTemplate.err = err
			return
		}
		atExit(func() { _ = os.RemoveAll(dir) })
		data := filepath.Join(dir, "data")
		cmd := exec.Command("mariadb-install-db", "--no-defaults", "--datadir="+data,
			"--auth-root-authentication-method=normal", "--skip-test-db", "--user="+currentUser())
		if out, err := cmd.CombinedOutput(); err != nil {
			mariaTemplate.err = fmt.Errorf("mariadb-install-db: %w\n%s", err, out)
			return
		}
		mariaTemplate.dir = data
	})
	return mariaTemplate.dir, mariaTemplate.err
}

func currentUser() string {
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "root"
}

// privateMaria is a mariadbd of the test's own: a copy of the template
// data directory, a free port, no grant tables.
type privateMaria struct {
	tb   testing.TB
	port int
	dir  string
	p    *proc
}

// startMaria starts a private mariadbd that the test kills at its end.
func startMaria(t testing.TB) *privateMaria {
	t.Helper()
	m, err := newMaria(t)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.p.kill() })
	return m
}

func newMaria(t testing.TB) (*privateMaria, error) {
	needBinaries(t, "mariadbd", "mariadb-install-db")
	tmpl, err := templateDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "tapline-mariadb-")
	if err != nil {
		return nil, err
	}
	atExit(func() { _ = os.RemoveAll(dir) })
	if out, err := exec.Command("cp", "-a", tmpl, filepath.Join(dir, "data")).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("copy template: %w: %s", err, out)
	}
	m := &privateMaria{tb: t, port: freePort(t), dir: dir}
	return m, m.start()
}

// DSN returns the DSN of database db on the server.
func (m *privateMaria) DSN(db string) string {
	return fmt.Sprintf("root@tcp(127.0.0.1:%d)/%s?charset=utf8mb4&parseTime=true&loc=UTC", m.port, db)
}

func (m *privateMaria) start() error {
	p, err := startProc("mariadbd", m.dir, nil, "mariadbd", "--no-defaults",
		"--datadir="+filepath.Join(m.dir, "data"), "--port="+strconv.Itoa(m.port),
		"--socket="+filepath.Join(m.dir, "sock"), "--bind-address=127.0.0.1", "--user="+currentUser(),
		"--skip-grant-tables", "--skip-name-resolve", "--skip-log-bin", "--innodb-buffer-pool-size=32M",
		"--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci")
	if err != nil {
		return err
	}
	m.p = p
	end := time.Now().Add(60 * time.Second)
	for !pingDSN(m.DSN("mysql")) {
		if p.exited() || time.Now().After(end) {
			p.kill()
			return fmt.Errorf("mariadbd did not come up: %s", p.out.tail(3000))
		}
		time.Sleep(100 * time.Millisecond)
	}
	return nil
}

// stopHard kills the server (a crash); restart brings it back on the same
// data and port.
func (m *privateMaria) stopHard() { m.p.kill() }

func (m *privateMaria) restart() {
	m.tb.Helper()
	if err := m.start(); err != nil {
		m.tb.Fatal(err)
	}
}

func pingDSN(dsn string) bool {
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		return false
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return db.PingContext(ctx) == nil
}

// sharedMaria is the package's private mariadbd for tests that need a
// MySQL but no fault of it, when TAPLINE_TEST_MYSQL_DSN is not set.
var sharedMaria struct {
	mu sync.Mutex
	m  *privateMaria
}

// database returns the DSN of a fresh database, dropped after the test: on
// the MariaDB of TAPLINE_TEST_MYSQL_DSN when set, else on the package's
// private mariadbd.
func database(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("TAPLINE_TEST_MYSQL_DSN")
	if dsn == "" {
		sharedMaria.mu.Lock()
		if sharedMaria.m == nil {
			m, err := newMaria(t)
			if err != nil {
				sharedMaria.mu.Unlock()
				t.Fatal(err)
			}
			sharedMaria.m = m
			atExit(func() { m.p.kill() })
		}
		dsn = sharedMaria.m.DSN("mysql")
		sharedMaria.mu.Unlock()
	}
	return freshDatabase(t, dsn)
}

// freshDatabase creates a database on the server of dsn and returns the
// DSN naming it.
func freshDatabase(t testing.TB, dsn string) string {
	t.Helper()
	admin, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = admin.Close() })
	name := "tapline_sys_" + randomHex(6)
	if _, err := admin.Exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = admin.Exec("DROP DATABASE " + name) })
	i := strings.Index(dsn, "/")
	j := strings.Index(dsn, "?")
	if i < 0 || j < i {
		t.Fatalf("DSN without /db?params")
	}
	return dsn[:i+1] + name + dsn[j:]
}
