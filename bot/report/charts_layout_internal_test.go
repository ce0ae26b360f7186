package report

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// TestLegendClearOfBars: a chart with a legend draws it in a strip right
// of the plot area, wide enough for its entries and inside the image.
func TestLegendClearOfBars(t *testing.T) {
	s, fs, _ := chartFixture(t)
	for _, n := range []string{ChartScorecard, ChartDepartment, ChartCategory} {
		panels := chartPanels(t, s, fs, n)
		pn := panels[0]
		if pn.legend == nil {
			t.Fatalf("%s has no legend", n)
		}
		img := vgimg.NewWith(vgimg.UseWH(chartW, chartH), vgimg.UseDPI(chartDPI))
		c := tiles(draw.New(img), panels)[0]
		plotC, legendC := layout(c, pn)
		data := pn.p.DataCanvas(plotC)
		r := pn.legend.Rectangle(legendC)
		width := r.Max.X - r.Min.X
		if legendC.Min.X < data.Max.X {
			t.Errorf("%s: legend from x=%v, the bars reach x=%v", n, legendC.Min.X, data.Max.X)
		}
		if legendC.Min.X+width > chartW || legendC.Max.Y > data.Max.Y {
			t.Errorf("%s: legend %v wide at %v does not fit (image %v wide)", n, width, legendC.Rectangle, chartW)
		}
	}
	if pn := chartPanels(t, s, fs, ChartOnTime)[0]; pn.legend != nil {
		t.Error("a single series has a legend")
	}
}

// TestCountChartsCompareMonths: the count charts show last month beside
// this month, two series whose totals are each month's cases.
func TestCountChartsCompareMonths(t *testing.T) {
	s, fs, deps := chartFixture(t)
	for _, n := range []string{ChartCategory, ChartDepartment, ChartSource} {
		pn := chartPanels(t, s, fs, n)[0]
		if len(pn.series) != 2 {
			t.Fatalf("%s: %d series, want last month and this month", n, len(pn.series))
		}
		last, this := pn.series[0], pn.series[1]
		if last.name != "2026年10月" || this.name != "2026年11月" || last.colour == this.colour {
			t.Errorf("%s: series %q and %q", n, last.name, this.name)
		}
		if sum(last.values) != 7 || sum(this.values) != 10 {
			t.Errorf("%s: totals %v and %v, want 7 and 10", n, sum(last.values), sum(this.values))
		}
		if !strings.Contains(pn.p.Title.Text, "本月 10 件，上月 7 件") {
			t.Errorf("%s: title %q", n, pn.p.Title.Text)
		}
	}
	pn := chartPanels(t, s, fs, ChartDepartment)[0]
	if l0, l1 := pn.series[0].labels, pn.series[1].labels; l0[1] != "5" || l1[1] != "6" || l0[2] != "2" || l1[2] != "0" {
		t.Errorf("%s: October %q, November %q", deps[1], l0[:3], l1[:3])
	}
}

func sum(vs []float64) float64 {
	var n float64
	for _, v := range vs {
		n += v
	}
	return n
}

// TestSatisfactionSaysItsBase: the satisfaction chart and the scorecard
// say how many call-backs and ratings their figures are counted from.
func TestSatisfactionSaysItsBase(t *testing.T) {
	s, fs, _ := chartFixture(t)
	panels := chartPanels(t, s, fs, ChartSatisfaction)
	for i, want := range []string{"基于 23 次回访（接通 22 次），满意率 90.9%", "基于 12 次评分，平均 4.5 分"} {
		if !strings.Contains(panels[i].p.Title.Text, want) {
			t.Errorf("panel %d title %q, want %q", i, panels[i].p.Title.Text, want)
		}
	}
	if title := chartPanels(t, s, fs, ChartScorecard)[0].p.Title.Text; !strings.Contains(title, "基于接通的 22 次回访") {
		t.Errorf("scorecard title %q", title)
	}
	if got := (SatisfactionBasis{}).String(); got != "本月还没有回访记录；本月还没有居民评分" {
		t.Errorf("empty basis %q", got)
	}
}

// TestFixtureChartsDraw draws every chart of the fixture (written to
// $TAPLINE_REPORT_DUMP, when set, to look at by eye).
func TestFixtureChartsDraw(t *testing.T) {
	s, fs, _ := chartFixture(t)
	for _, n := range ChartNames {
		var buf bytes.Buffer
		if err := render(&buf, chartPanels(t, s, fs, n)); err != nil {
			t.Fatal(err)
		}
		if dir := os.Getenv("TAPLINE_REPORT_DUMP"); dir != "" {
			_ = os.WriteFile(filepath.Join(dir, "fixture-"+n+".png"), buf.Bytes(), 0o644)
		}
	}
}

// TestChartTitlesHaveNoPolicyClause: leaders read no "policy x.y".
func TestChartTitlesHaveNoPolicyClause(t *testing.T) {
	s, fs, _ := chartFixture(t)
	for _, n := range ChartNames {
		for _, pn := range chartPanels(t, s, fs, n) {
			texts := append([]string{pn.p.Title.Text, pn.p.Y.Label.Text}, pn.xLabels...)
			for _, sr := range pn.series {
				texts = append(texts, sr.name)
			}
			if all := fmt.Sprint(texts); strings.Contains(strings.ToLower(all), "policy") || strings.Contains(all, "制度第") {
				t.Errorf("%s: %s", n, all)
			}
		}
	}
}
