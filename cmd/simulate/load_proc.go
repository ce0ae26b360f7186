package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// childEnv marks a re-executed simulate binary as a child process (the
// baselines run in their own process, like the server).
const childEnv = "TAPLINE_SIMULATE_CHILD"

var listenLine = regexp.MustCompile(`listening on (http://[0-9.:]+)`)

// child is a server or baseline process started by the load driver.
type child struct {
	cmd     *exec.Cmd
	URL     string
	mu      sync.Mutex
	errors  int      // log lines at level ERROR
	tail    []string // the last output lines, for failure messages
	exited  chan struct{}
	maxRSS  int64 // kB, sampled from /proc/<pid>/status
	stopRSS chan struct{}
	metrics string // the metrics listener the banner names
}

// startChild runs bin with args and env, waits for its "listening on"
// line and samples its RSS until stop.
func startChild(ctx context.Context, bin string, args, env []string) (*child, error) {
	c := &child{cmd: exec.Command(bin, args...), exited: make(chan struct{}), stopRSS: make(chan struct{})}
	c.cmd.Env = env
	pr, pw := io.Pipe()
	c.cmd.Stdout, c.cmd.Stderr = pw, pw
	if err := c.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	urls := make(chan string, 1)
	go c.read(pr, urls)
	go func() { _ = c.cmd.Wait(); _ = pw.Close(); close(c.exited) }()
	select {
	case u := <-urls:
		c.URL = u
	case <-c.exited:
		return nil, fmt.Errorf("%s exited before listening:\n%s", bin, c.output())
	case <-time.After(60 * time.Second):
		c.stop()
		return nil, fmt.Errorf("%s never listened:\n%s", bin, c.output())
	case <-ctx.Done():
		c.stop()
		return nil, ctx.Err()
	}
	go c.sampleRSS()
	return c, nil
}

func (c *child) read(r io.Reader, urls chan<- string) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	found := false
	for sc.Scan() {
		line := sc.Text()
		if m := listenLine.FindStringSubmatch(line); m != nil && !found {
			found = true
			urls <- m[1]
		}
		c.mu.Lock()
		if strings.Contains(line, `"level":"ERROR"`) {
			c.errors++
		}
		if m := metricsLine.FindStringSubmatch(line); m != nil && c.metrics == "" {
			c.metrics = m[1]
		}
		c.tail = append(c.tail, line)
		if len(c.tail) > 40 {
			c.tail = c.tail[1:]
		}
		c.mu.Unlock()
	}
	_, _ = io.Copy(io.Discard, r)
}

func (c *child) output() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.Join(c.tail, "\n")
}

// errorLines returns how many ERROR log lines the child wrote.
func (c *child) errorLines() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.errors
}

// sampleRSS records the child's peak VmRSS every 100 ms.
func (c *child) sampleRSS() {
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		if kb, err := vmRSS(c.cmd.Process.Pid); err == nil {
			c.mu.Lock()
			c.maxRSS = max(c.maxRSS, kb)
			c.mu.Unlock()
		}
		select {
		case <-c.stopRSS:
			return
		case <-c.exited:
			return
		case <-t.C:
		}
	}
}

// peakRSSMB returns the highest RSS sampled, in MB.
func (c *child) peakRSSMB() float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return float64(c.maxRSS) / 1024
}

// vmRSS reads VmRSS (kB) from /proc/<pid>/status.
func vmRSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			return strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
		}
	}
	return 0, errors.New("no VmRSS")
}

// stop sends SIGTERM, waits up to 20 s, then kills the child.
func (c *child) stop() {
	select {
	case <-c.stopRSS:
	default:
		close(c.stopRSS)
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.exited:
	case <-time.After(20 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.exited
	}
}

// childEnviron returns the parent's environment without any Tapline
// setting (the driver sets those explicitly), plus extra.
func childEnviron(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "TAPLINE_") || k == "MYSQL_DSN" || k == "REDIS_ADDR" || k == "HTTP_ADDR" {
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

// buildServer compiles cmd/server into dir and returns the binary's path.
func buildServer(ctx context.Context, dir string) (string, error) {
	bin := dir + "/tapline-server"
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "tapline/cmd/server")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build tapline/cmd/server: %w\n%s", err, out)
	}
	return bin, nil
}

var metricsLine = regexp.MustCompile(`Metrics: (http://[0-9.:]+/metrics)`)

// metricsURL is the server's metrics listener named in its banner.
func (c *child) metricsURL() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.metrics
}
