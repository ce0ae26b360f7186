package systemtest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"sync"
	"testing"
	"time"
)

// serverBin is the server binary built once by TestMain.
var serverBin string

// repoRoot is the module root (the server runs there, as in production).
var repoRoot string

var exitFuncs struct {
	mu sync.Mutex
	fs []func()
}

// atExit runs f after every test of the package (private servers shared
// by tests, temporary directories outside t.TempDir).
func atExit(f func()) {
	exitFuncs.mu.Lock()
	defer exitFuncs.mu.Unlock()
	exitFuncs.fs = append(exitFuncs.fs, f)
}

func TestMain(m *testing.M) {
	code, err := setupAndRun(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "systemtest:", err)
		code = 1
	}
	os.Exit(code)
}

func setupAndRun(m *testing.M) (int, error) {
	_, file, _, _ := runtime.Caller(0)
	repoRoot = filepath.Clean(filepath.Join(filepath.Dir(file), "../../.."))
	dir, err := os.MkdirTemp("", "tapline-systemtest-")
	if err != nil {
		return 1, err
	}
	defer os.RemoveAll(dir)
	serverBin = filepath.Join(dir, "tapline")
	build := exec.Command("go", "build", "-o", serverBin, "./cmd/server")
	build.Dir = repoRoot
	if out, err := build.CombinedOutput(); err != nil {
		return 1, fmt.Errorf("go build ./cmd/server: %w\n%s", err, out)
	}
	defer func() {
		exitFuncs.mu.Lock()
		defer exitFuncs.mu.Unlock()
		for i := len(exitFuncs.fs) - 1; i >= 0; i-- {
			exitFuncs.fs[i]()
		}
	}()
	return m.Run(), nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Credentials of the server under test (the fakes and simclient use them).
const (
	wxToken     = "sys-token"
	wxAppID     = "wxsys00000000000001"
	aesKey      = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	adminToken  = "sys-admin-token-0123456789"
	corpID      = "wwsys0000000000001"
	wecomToken  = "sys-wecom-token"
	wxAppSecret = "sys-wechat-app-secret"
	// metricsToken lets the tests scrape /metrics on each replica's HTTP_ADDR.
	metricsToken = "sys-metrics-token-0123456789"
)

// serverEnv is the environment of a server on mysqlDSN and redisAddr with
// the WeChat Official Account and the WeCom app (staff) configured.
func serverEnv(mysqlDSN, redisAddr string) map[string]string {
	return map[string]string{
		"MYSQL_DSN": mysqlDSN, "REDIS_ADDR": redisAddr, "HTTP_ADDR": "127.0.0.1:0",
		"TAPLINE_ADMIN_TOKEN":             adminToken,
		"TAPLINE_POLICY_FILE":             filepath.Join(repoRoot, "configs/policy.yaml"),
		"TAPLINE_DIALOG_FILE":             filepath.Join(repoRoot, "configs/dialog.yaml"),
		"TAPLINE_CALENDAR_FILE":           filepath.Join(repoRoot, "configs/calendar.txt"),
		"TAPLINE_WECHAT_TOKEN":            wxToken,
		"TAPLINE_WECHAT_APP_ID":           wxAppID,
		"TAPLINE_WECHAT_ENCODING_AES_KEY": aesKey,
		"TAPLINE_WECOM_CORP_ID":           corpID,
		"TAPLINE_WECOM_TOKEN":             wecomToken,
		"TAPLINE_WECOM_ENCODING_AES_KEY":  aesKey,
		"TAPLINE_OUTBOX_QUEUE":            "outbox-" + randomHex(4),
		"TAPLINE_LOG_LEVEL":               "info",
		"TAPLINE_METRICS_ADDR":            "off", // replicas share the host: scraped on HTTP_ADDR instead
		"TAPLINE_METRICS_TOKEN":           metricsToken,
	}
}

var listening = regexp.MustCompile(`listening on (http://[0-9.:]+)`)

// server is one Tapline process.
type server struct {
	t    testing.TB
	name string
	env  map[string]string
	p    *proc
	Base string // e.g. http://127.0.0.1:41234
}

// startServer runs the server binary with env and waits until it listens.
// The test stops it (SIGTERM) at the end and prints its log on failure.
func startServer(t testing.TB, name string, env map[string]string) *server {
	t.Helper()
	s := &server{t: t, name: name, env: env}
	s.start()
	t.Cleanup(func() {
		s.p.stop()
		if t.Failed() {
			t.Logf("%s log:\n%s", s.name, s.p.out.tail(6000))
		}
	})
	return s
}

func (s *server) start() {
	s.t.Helper()
	var env []string
	for k, v := range s.env {
		env = append(env, k+"="+v)
	}
	sort.Strings(env)
	env = append(env, "PATH="+os.Getenv("PATH"), "HOME="+os.Getenv("HOME"), "TMPDIR="+os.TempDir())
	p, err := startProc(s.name, repoRoot, env, serverBin)
	if err != nil {
		s.t.Fatal(err)
	}
	s.p = p
	eventually(s.t, 60*time.Second, func() bool {
		if m := listening.FindStringSubmatch(p.out.String()); m != nil {
			s.Base = m[1]
			return true
		}
		return p.exited()
	}, func() string { return s.name + " never listened:\n" + p.out.tail(4000) })
	if s.Base == "" || p.exited() {
		s.t.Fatalf("%s stopped: %v\n%s", s.name, p.err, p.out.tail(4000))
	}
}

// restart starts the process again after kill or stop (a new port).
func (s *server) restart() {
	s.t.Helper()
	if !s.p.exited() {
		s.p.stop()
	}
	s.Base = ""
	s.start()
}
