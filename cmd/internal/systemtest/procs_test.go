package systemtest

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"
)

// syncBuffer collects a process's output safely across goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// tail returns the last n bytes of the output (for failure messages).
func (s *syncBuffer) tail(n int) string {
	out := s.String()
	if len(out) > n {
		out = "…" + out[len(out)-n:]
	}
	return out
}

// proc is a child process the test started and must end.
type proc struct {
	name string
	cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{}
	err  error
}

// startProc starts bin with args and env (nil: the test's environment).
func startProc(name, dir string, env []string, bin string, args ...string) (*proc, error) {
	cmd := exec.Command(bin, args...)
	cmd.Dir, cmd.Env = dir, env
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &proc{name: name, cmd: cmd, out: out, done: make(chan struct{})}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	return p, nil
}

// exited reports whether the process has ended.
func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// signal sends sig to the process and waits up to wait for it to end; it
// kills the process if it has not.
func (p *proc) signal(sig syscall.Signal, wait time.Duration) {
	if p.exited() {
		return
	}
	_ = p.cmd.Process.Signal(sig)
	select {
	case <-p.done:
	case <-time.After(wait):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// kill ends the process at once (SIGKILL), as a crash would.
func (p *proc) kill() { p.signal(syscall.SIGKILL, 10*time.Second) }

// stop asks the process to end (SIGTERM) and waits.
func (p *proc) stop() { p.signal(syscall.SIGTERM, 20*time.Second) }

// freePort returns a TCP port free on 127.0.0.1 at the time of the call.
func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// eventually polls cond every 50 ms until it holds or the deadline passes;
// then it fails the test with what().
func eventually(t testing.TB, deadline time.Duration, cond func() bool, what func() string) {
	t.Helper()
	end := time.Now().Add(deadline)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("not reached within %s: %s", deadline, what())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// needBinaries skips (or, with TAPLINE_SYSTEM_TESTS=require, fails) when a
// program the system tests need is missing.
func needBinaries(t testing.TB, names ...string) {
	t.Helper()
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			if os.Getenv("TAPLINE_SYSTEM_TESTS") == "require" {
				t.Fatalf("%s not installed (TAPLINE_SYSTEM_TESTS=require)", n)
			}
			t.Skipf("%s not installed; install it or run .ci/run", n)
		}
	}
}

// ctxT returns a context ended with the test.
func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return ctx
}
