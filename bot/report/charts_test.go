package report_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

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
