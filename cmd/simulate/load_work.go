package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"tapline/bot/dialog"
	"tapline/bot/simclient"
)

// Work per message (issue 18): CPU of the server, MariaDB and Redis read
// from /proc over the measured window, and round trips per kind counted by
// the server (tapline_backend_round_trips_total) while one resident plays
// dialogs alone.

// probeDialogs is how many dialogs the round-trip probe plays.
const probeDialogs = 10

// settle is how long the server must send nothing before the probe takes
// a message's work as done (its raw record's batch, its outbox delivery).
const settle = 250 * time.Millisecond

// clockTicks is the kernel's USER_HZ, the unit of /proc/PID/stat times.
const clockTicks = 100

// work is what the Tapline phase cost.
type work struct {
	cpu      map[string]time.Duration        // process → CPU over the measured window
	requests int                             // requests measured in that window
	trips    map[string]map[string][]float64 // kind → backend → round trips of each probed message
	probed   map[string]int                  // kind → messages probed
}

// processes are the ones whose CPU the report shows, by label.
var processes = []struct{ label, comm string }{{"server", ""}, {"MariaDB", "mariadbd"}, {"Redis", "redis-server"}}

// cpuNow reads the CPU time of the server (pid) and, on the real
// services, of the local mariadbd and redis-server when they run here (the
// embedded ones run inside the server).
func cpuNow(pid int, real bool) map[string]time.Duration {
	out := map[string]time.Duration{}
	for _, p := range processes {
		id := pid
		if p.comm != "" && !real {
			continue
		} else if p.comm != "" {
			id = pidOf(p.comm)
		}
		if d, ok := cpuOf(id); ok {
			out[p.label] = d
		}
	}
	return out
}

// cpuOf returns utime+stime of process pid.
func cpuOf(pid int) (time.Duration, bool) {
	if pid <= 0 {
		return 0, false
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:]) // after "(comm)": state is field 3
	if len(f) < 13 {
		return 0, false
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(u+st) * time.Second / clockTicks, true
}

// pidOf returns the first process whose comm is name, or 0.
func pidOf(name string) int {
	paths, _ := filepath.Glob("/proc/[0-9]*/comm")
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil && strings.TrimSpace(string(b)) == name {
			pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(p)))
			return pid
		}
	}
	return 0
}

var tripLine = regexp.MustCompile(`^tapline_backend_round_trips_total\{backend="(\w+)"\} ([0-9.e+]+)`)

// scrapeTrips reads the server's round-trip counters.
func scrapeTrips(ctx context.Context, metricsURL string) (map[string]float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, metricsURL, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return parseTrips(resp.Body)
}

func parseTrips(r io.Reader) (map[string]float64, error) {
	out := map[string]float64{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		if m := tripLine.FindStringSubmatch(sc.Text()); m != nil {
			v, err := strconv.ParseFloat(m[2], 64)
			if err != nil {
				return nil, err
			}
			out[m[1]] = v
		}
	}
	return out, sc.Err()
}

// probeTrips plays dialogs one message at a time and counts the round
// trips each kind of message makes, the background work it causes
// included. Its residents' filings join f, for the case check.
func probeTrips(ctx context.Context, c *simclient.Client, metricsURL, run string, texts *dialog.Texts, f *filings, w *work) error {
	w.trips, w.probed = map[string]map[string][]float64{}, map[string]int{}
	var scrapeErr error
	wrap := func(kind string, send func() (string, bool)) (string, bool) {
		before, err := scrapeTrips(ctx, metricsURL)
		reply, ok := send()
		after, err2 := quietTrips(ctx, metricsURL, settle, 5*time.Second)
		if err != nil || err2 != nil {
			scrapeErr = fmt.Errorf("probe: scrape %s: %v %v", metricsURL, err, err2)
			return reply, ok
		}
		if w.trips[kind] == nil {
			w.trips[kind] = map[string][]float64{}
		}
		for b, v := range after {
			w.trips[kind][b] = append(w.trips[kind][b], v-before[b])
		}
		w.probed[kind]++
		return reply, ok
	}
	if _, err := quietTrips(ctx, metricsURL, 500*time.Millisecond, time.Minute); err != nil {
		return err
	}
	never := func() bool { return false }
	for i := range probeDialogs {
		playDialogWith(ctx, c, fmt.Sprintf("o-probe-%s-%d", run, i), newRecorder(), f, never, texts, wrap)
	}
	return scrapeErr
}

// measure records the CPU each process spent between two samples and the
// requests measured meanwhile.
func (w *work) measure(start, end map[string]time.Duration, rec *recorder) {
	w.cpu = map[string]time.Duration{}
	for k, v := range end {
		if s, ok := start[k]; ok {
			w.cpu[k] = v - s
		}
	}
	for _, l := range rec.lat {
		w.requests += len(l)
	}
}

// print writes the work table: CPU per message under load (all kinds),
// round trips per message of each kind (one resident alone).
func (w *work) print(out io.Writer) {
	fmt.Fprintf(out, "\n  work per message — CPU: /proc over the measured window ÷ %d messages (both kinds, under load); "+
		"round trips: counted by the server, %d dialogs played one message at a time, background work included; the median message of each kind (a periodic scan that lands in one message's window is not its work)\n",
		w.requests, probeDialogs)
	fmt.Fprintf(out, "  | kind | server CPU ms | MariaDB CPU ms | Redis CPU ms | MySQL round trips | Redis round trips |\n")
	fmt.Fprintf(out, "  |---|---:|---:|---:|---:|---:|\n")
	for _, kind := range []string{kindStep, kindFiling} {
		fmt.Fprintf(out, "  | %s | %s | %s | %s | %.1f | %.1f |\n", kind, w.perMsg("server"), w.perMsg("MariaDB"),
			w.perMsg("Redis"), w.median(kind, "mysql"), w.median(kind, "redis"))
	}
}

// perMsg is a process's CPU per message in ms, "—" when it does not run
// here (embedded Redis and SQLite run inside the server).
func (w *work) perMsg(label string) string {
	d, ok := w.cpu[label]
	if !ok || w.requests == 0 {
		return "—"
	}
	return fmt.Sprintf("%.3f", float64(d)/float64(time.Millisecond)/float64(w.requests))
}

// quietTrips waits until the server has sent nothing for quiet (at most
// limit) and returns the counters then: the load's background work, or a
// message's, has drained.
func quietTrips(ctx context.Context, metricsURL string, quiet, limit time.Duration) (map[string]float64, error) {
	last, err := scrapeTrips(ctx, metricsURL)
	for end := time.Now().Add(limit); err == nil && time.Now().Before(end); {
		time.Sleep(quiet)
		var now map[string]float64
		if now, err = scrapeTrips(ctx, metricsURL); err == nil && maps.Equal(now, last) {
			return now, nil
		}
		last = now
	}
	if err != nil {
		return nil, fmt.Errorf("probe: scrape %s: %w", metricsURL, err)
	}
	return last, nil // still busy at the limit: the figures then include the rest
}

// checks are the work targets of issue 18 (CPU only where measured).
func (w *work) checks() []check {
	var cs []check
	for _, t := range []struct {
		label string
		limit float64
	}{{"server", serverCPUMs}, {"MariaDB", mariaCPUMs}} {
		if d, ok := w.cpu[t.label]; ok && w.requests > 0 {
			v := float64(d) / float64(time.Millisecond) / float64(w.requests)
			cs = append(cs, check{fmt.Sprintf("%s CPU %.3f ms a message (target ≤ %.2f ms)", t.label, v, t.limit), v <= t.limit, true})
		}
	}
	my, rd := w.median(kindFiling, "mysql"), w.median(kindFiling, "redis")
	return append(cs,
		check{fmt.Sprintf("filing: %.1f MySQL round trips (target ≤ %d)", my, filingMySQLTrips), my <= filingMySQLTrips, true},
		check{fmt.Sprintf("filing: %.1f Redis round trips (target ≤ %d)", rd, filingRedisTrips), rd <= filingRedisTrips, true})
}

// median is the median round trips to backend of the probed messages of
// kind (0 when none was probed or the backend is not used).
func (w *work) median(kind, backend string) float64 {
	v := slices.Clone(w.trips[kind][backend])
	if len(v) == 0 {
		return 0
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}
