package report

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg/draw"
)

// percentTicks marks a 0–100 % axis every 20 %, with minor marks between.
type percentTicks struct{}

// Ticks returns the marks from 0 to 100 % within [lo, hi].
func (percentTicks) Ticks(lo, hi float64) []plot.Tick {
	var out []plot.Tick
	for v := 0; v <= 100; v += 10 {
		if float64(v) < lo || float64(v) > hi {
			continue
		}
		t := plot.Tick{Value: float64(v)}
		if v%20 == 0 {
			t.Label = strconv.Itoa(v) + "%"
		}
		out = append(out, t)
	}
	return out
}

// countTicks marks a count axis at whole numbers only.
type countTicks struct{}

// Ticks returns whole-number marks, a step of 1, 2 or 5 × 10ⁿ apart.
func (countTicks) Ticks(lo, hi float64) []plot.Tick {
	step := countStep(hi - lo)
	var out []plot.Tick
	for v := math.Ceil(lo/step) * step; v <= hi; v += step {
		out = append(out, plot.Tick{Value: v, Label: strconv.Itoa(int(v))})
	}
	return out
}

// countStep is the whole step that splits span into at most five parts.
func countStep(span float64) float64 {
	raw := math.Max(1, span/5)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			return m * mag
		}
	}
	return 10 * mag
}

// percentAxis fixes a rate axis at 0–100 %: never past 100.
func percentAxis(p *plot.Plot) {
	p.Y.Min, p.Y.Max = 0, 100
	p.Y.Tick.Marker = percentTicks{}
	p.Y.Label.Text = ""
}

// countAxis sets a count axis from 0 to a whole mark above top, with
// room for the value labels, marked at whole numbers.
func countAxis(p *plot.Plot, top float64) {
	want := math.Max(4, top*1.1)
	step := countStep(want)
	p.Y.Min, p.Y.Max = 0, math.Ceil(want/step)*step
	if p.Y.Max < top*1.06 { // no room for the label of the highest bar
		p.Y.Max += step
	}
	p.Y.Tick.Marker = countTicks{}
}

// fitXLabels slants the x labels when they would not fit side by side.
func fitXLabels(p *plot.Plot, labels []string) {
	widest := 0
	for _, l := range labels {
		for _, line := range strings.Split(l, "\n") {
			widest = max(widest, utf8.RuneCountInString(line))
		}
	}
	// about 70 pt per label fits 6 Chinese characters of 10 pt
	if len(labels)*max(widest, 1)*11 > 800 {
		p.X.Tick.Label.Rotation = math.Pi / 6
		p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = draw.XRight, draw.YCenter
	}
}
