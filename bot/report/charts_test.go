package report_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
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

// countingTotals counts the store's totals reads.
type countingTotals struct {
	models.ReportService
	reads atomic.Int32
}

func (c *countingTotals) ReportTotals(ctx context.Context, since, until, now time.Time) (*models.ReportTotals, error) {
	c.reads.Add(1)
	return c.ReportService.ReportTotals(ctx, since, until, now)
}

// TestChartImagesShareOneRead: the seven chart images a page asks for at
// once read the month's totals once, and a minute later again.
func TestChartImagesShareOneRead(t *testing.T) {
	db, _, _ := seeded(t, 60)
	data := &countingTotals{ReportService: db}
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
	draw()
	if n := data.reads.Load(); n != 1 {
		t.Errorf("seven charts read the totals %d times, want once", n)
	}
	clock.add(2 * time.Minute)
	draw()
	if n := data.reads.Load(); n != 2 {
		t.Errorf("after two minutes: %d reads, want a fresh one (2)", n)
	}
}

// movingClock is a clock the test moves.
type movingClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *movingClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *movingClock) add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }
