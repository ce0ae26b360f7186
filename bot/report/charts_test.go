package report_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"tapline/bot/report"
	"tapline/models"
)

// checkPNG decodes a chart and checks its size and that it is not blank.
func checkPNG(t *testing.T, name string, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("chart %s is not a PNG: %v", name, err)
	}
	if sz := img.Bounds().Size(); sz.X != 1000 || sz.Y != 600 {
		t.Errorf("chart %s is %v, want 1000×600", name, sz)
	}
	colours := map[uint32]bool{}
	for y := 0; y < img.Bounds().Dy(); y += 7 {
		for x := 0; x < img.Bounds().Dx(); x += 7 {
			r, g, b, _ := img.At(x, y).RGBA()
			colours[r>>8<<16|g>>8<<8|b>>8] = true
		}
	}
	if len(colours) < 3 {
		t.Errorf("chart %s looks blank (%d colours)", name, len(colours))
	}
	if dir := os.Getenv("TAPLINE_REPORT_DUMP"); dir != "" { // look at them by eye
		_ = os.WriteFile(filepath.Join(dir, name+".png"), b, 0o644)
	}
	return img
}

func TestChartsDecodeAsPNG(t *testing.T) {
	_, svc, _ := seeded(t, 120)
	charts, err := svc.Charts(context.Background(), november)
	if err != nil {
		t.Fatal(err)
	}
	if len(charts) != len(report.ChartNames) {
		t.Fatalf("got %d charts, want %d", len(charts), len(report.ChartNames))
	}
	for _, name := range report.ChartNames {
		checkPNG(t, name, charts[name])
	}
	one, err := svc.Chart(context.Background(), report.ChartTrend, november)
	if err != nil || !bytes.Equal(one, charts[report.ChartTrend]) {
		t.Errorf("Chart(trend) differs from Charts' (err %v)", err)
	}
}

func TestChartsOfEmptyMonth(t *testing.T) {
	_, svc, _ := seeded(t, 0)
	charts, err := svc.Charts(context.Background(), november)
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range charts {
		checkPNG(t, "empty-"+name, b)
	}
}

func TestChartRefusesBadInput(t *testing.T) {
	_, svc, _ := seeded(t, 0)
	for _, tc := range []struct {
		name  string
		month report.Month
	}{{"pie", november}, {report.ChartTrend, report.Month{Year: 2027, Month: 2}}} {
		if _, err := svc.Chart(context.Background(), tc.name, tc.month); models.ErrorCode(err) != models.EINVALID {
			t.Errorf("Chart(%s, %s) err = %v, want EINVALID", tc.name, tc.month, err)
		}
	}
}

func TestChartsFallBackWithoutCJKFont(t *testing.T) {
	db, _, _ := seeded(t, 20)
	bad := filepath.Join(t.TempDir(), "none.ttf")
	svc := report.New(db, mustPolicy(t), report.WithClock(fixedClock{testNow}), report.WithFont(bad))
	b, err := svc.Chart(context.Background(), report.ChartCategory, november)
	if err != nil {
		t.Fatal(err)
	}
	checkPNG(t, "english-category", b)
}

// countingTotals counts the store's totals reads, per month.
type countingTotals struct {
	models.ReportService
	mu    sync.Mutex
	reads map[string]int
}

func (c *countingTotals) ReportTotals(ctx context.Context, since, until, now time.Time) (*models.ReportTotals, error) {
	c.mu.Lock()
	c.reads[report.MonthOf(since).String()]++
	c.mu.Unlock()
	return c.ReportService.ReportTotals(ctx, since, until, now)
}

func (c *countingTotals) count(m report.Month) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reads[m.String()]
}

// TestChartImagesShareOneRead: the seven chart images a page asks for at
// once read the month's totals once (and the month before once, for the
// month-over-month comparison), and a minute later again.
func TestChartImagesShareOneRead(t *testing.T) {
	db, _, _ := seeded(t, 60)
	data := &countingTotals{ReportService: db, reads: map[string]int{}}
	clock := &movingClock{t: testNow}
	svc := report.New(data, mustPolicy(t), report.WithClock(clock))
	draw := func() {
		var wg sync.WaitGroup
		for _, name := range report.ChartNames {
			wg.Go(func() {
				if _, err := svc.Chart(context.Background(), name, november); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	}
	october := november.Add(-1)
	draw()
	if n, m := data.count(november), data.count(october); n != 1 || m != 1 {
		t.Errorf("seven charts read November's totals %d times and October's %d, want once each", n, m)
	}
	clock.add(2 * time.Minute)
	draw()
	if n, m := data.count(november), data.count(october); n != 2 || m != 2 {
		t.Errorf("after two minutes: %d and %d reads, want a fresh one of each (2)", n, m)
	}
}

// movingClock is a clock the test moves.
type movingClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *movingClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *movingClock) add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }
