package seedgen

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Usage is what a measured run cost.
type Usage struct {
	Elapsed time.Duration
	// PeakHeap is the largest live heap seen while it ran (sampled).
	PeakHeap uint64
	// PeakRSS is the process's peak resident set (VmHWM) afterwards, 0
	// where /proc is missing; it covers the whole process so far.
	PeakRSS uint64
}

// Measure runs fn and reports its time and memory.
func Measure(fn func() error) (Usage, error) {
	runtime.GC()
	var peak uint64
	var mu sync.Mutex
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var ms runtime.MemStats
		tick := time.NewTicker(25 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			mu.Lock()
			peak = max(peak, ms.HeapAlloc)
			mu.Unlock()
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	start := time.Now()
	err := fn()
	u := Usage{Elapsed: time.Since(start)}
	close(stop)
	<-done
	mu.Lock()
	u.PeakHeap = peak
	mu.Unlock()
	u.PeakRSS = peakRSS()
	return u, err
}

// peakRSS reads VmHWM from /proc/self/status, in bytes.
func peakRSS() uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb * 1024
		}
	}
	return 0
}
