package report

import (
	"fmt"
	"image/color"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// valueLabels writes each bar's label above it; on a percent axis a bar
// near 100 % carries its label inside, in white, so that it stays within
// the plot.
func valueLabels(fs *fontSet, p *plot.Plot, sr series, offset vg.Length, percent bool, width vg.Length) error {
	var xys plotter.XYLabels
	xys.XYs = make(plotter.XYs, len(sr.values))
	xys.Labels = sr.labels
	for i, v := range sr.values {
		xys.XYs[i] = plotter.XY{X: float64(i), Y: v}
	}
	l, err := plotter.NewLabels(xys)
	if err != nil {
		return fmt.Errorf("labels: %w", err)
	}
	size := vg.Points(10)
	switch {
	case width < vg.Points(16):
		size = vg.Points(7)
	case width < vg.Points(26):
		size = vg.Points(8)
	}
	for i := range l.TextStyle {
		st := &l.TextStyle[i]
		st.Handler, st.Font = fs.handler, fs.font
		st.Font.Size = size
		st.XAlign, st.YAlign = draw.XCenter, 0.15
		switch {
		case sr.labels[i] == noData:
			st.Font.Size, st.Color = vg.Points(12), color.Gray{Y: 0x55}
		case percent && sr.values[i] >= 90:
			st.YAlign, st.Color = -1.2, color.White
		}
	}
	l.Offset = vg.Point{X: offset}
	p.Add(l)
	return nil
}

// emptyGroups returns the x positions where every series has nothing to
// measure: a department without cases in the scorecard.
func (pn *panel) emptyGroups() []int {
	var out []int
	for x := range pn.xLabels {
		empty := len(pn.series) > 1
		for _, sr := range pn.series {
			empty = empty && sr.labels[x] == noData
		}
		if empty {
			out = append(out, x)
		}
	}
	return out
}

// drawnSeries are the series as drawn: a group with nothing to measure
// in any series carries one "—" in its middle (labelEmptyGroups), not
// one per bar.
func (pn *panel) drawnSeries() []series {
	empty := pn.emptyGroups()
	out := make([]series, len(pn.series))
	for i, sr := range pn.series {
		sr.labels = slices.Clone(sr.labels)
		for _, x := range empty {
			sr.labels[x] = ""
		}
		out[i] = sr
	}
	return out
}

// labelEmptyGroups writes one "—" in the middle of each empty group.
func (pn *panel) labelEmptyGroups(fs *fontSet) error {
	empty := pn.emptyGroups()
	if len(empty) == 0 {
		return nil
	}
	sr := series{values: make([]float64, len(pn.xLabels)), labels: make([]string, len(pn.xLabels))}
	for _, x := range empty {
		sr.labels[x] = noData
	}
	return valueLabels(fs, pn.p, sr, 0, pn.percent, vg.Points(40))
}
