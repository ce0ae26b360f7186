package report

import (
	"fmt"
	"image/color"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"tapline/models"
)

// Chart size: 1000 × 600 pixels.
const (
	chartDPI = 100
	chartW   = 10 * vg.Inch
	chartH   = 6 * vg.Inch
)

// palette colours the series.
var palette = []color.RGBA{{0x2b, 0x6c, 0xb0, 0xff}, {0xe0, 0x7b, 0x39, 0xff}, {0x3a, 0x9a, 0x5b, 0xff},
	{0xc0, 0x39, 0x2b, 0xff}, {0x8e, 0x6c, 0xb5, 0xff}}

// lastMonthColour is the paler bar of the month before, beside this month's.
var lastMonthColour = color.RGBA{0xa8, 0xc4, 0xe2, 0xff}

// noData is the value label of a rate with nothing to measure.
const noData = "—"

// series is one bar series: a name (for the legend), its values, the
// label written at each bar ("—" for a rate with nothing to measure) and
// its colour.
type series struct {
	name   string
	values []float64
	labels []string
	colour color.Color
}

// panel is one plot of a chart and what was put on it. The tests read
// the series, the labels and the axes from here, not from pixels.
type panel struct {
	p       *plot.Plot
	xLabels []string
	series  []series
	percent bool // a 0–100 % axis
	// legend, when not nil, is drawn beside the plot, clear of the bars.
	legend *plot.Legend
}

// drawChart draws chart n of d into w as PNG.
func (s *Service) drawChart(w io.Writer, fs *fontSet, n string, d *chartData) error {
	panels, err := s.panels(fs, n, d)
	if err != nil {
		return err
	}
	return render(w, panels)
}

// panels builds the plots of chart n.
func (s *Service) panels(fs *fontSet, n string, d *chartData) ([]*panel, error) {
	switch n {
	case ChartCategory, ChartDepartment, ChartSource:
		return s.countChart(fs, n, d)
	case ChartTrend:
		return s.trendChart(fs, d)
	case ChartOnTime, ChartScorecard:
		return s.rateChart(fs, n, d)
	case ChartSatisfaction:
		return s.satisfactionChart(fs, d)
	}
	return nil, models.Errorf(models.EINVALID, "没有名为「%s」的统计图。", n)
}

// render draws panels side by side on one PNG canvas.
func render(w io.Writer, panels []*panel) error {
	img := vgimg.NewWith(vgimg.UseWH(chartW, chartH), vgimg.UseDPI(chartDPI))
	for i, c := range tiles(draw.New(img), panels) {
		plotC, legendC := layout(c, panels[i])
		panels[i].p.Draw(plotC)
		if panels[i].legend != nil {
			panels[i].legend.Draw(legendC)
		}
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(w); err != nil {
		return fmt.Errorf("encode png: %w", err)
	}
	return nil
}

// tiles splits the canvas into one tile per panel, side by side.
func tiles(dc draw.Canvas, panels []*panel) []draw.Canvas {
	t := draw.Tiles{Rows: 1, Cols: len(panels), PadX: vg.Millimeter * 4, PadTop: vg.Millimeter * 2,
		PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	plots := make([]*plot.Plot, len(panels))
	for i, pn := range panels {
		plots[i] = pn.p
	}
	return plot.Align([][]*plot.Plot{plots}, t, dc)[0]
}

// layout splits a panel's tile: the plot on the left, its legend (if any)
// in a strip on the right, from the top of the plot area down, so that no
// bar runs under it.
func layout(c draw.Canvas, pn *panel) (plotC, legendC draw.Canvas) {
	if pn.legend == nil {
		return c, draw.Canvas{}
	}
	r := pn.legend.Rectangle(c)
	strip := (r.Max.X-r.Min.X)*1.1 + 6*vg.Millimeter
	plotC = draw.Crop(c, 0, -strip, 0, 0)
	top := pn.p.DataCanvas(plotC).Max.Y
	legendC = draw.Crop(c, c.Max.X-c.Min.X-strip+3*vg.Millimeter, 0, 0, top-c.Max.Y)
	return plotC, legendC
}

// newPlot makes a plot with the font set's text and a title (a second
// line, after "\n", says what the figures are based on).
func newPlot(fs *fontSet, title, ylabel string) *plot.Plot {
	p := plot.New()
	fs.style(p)
	p.Title.Text, p.Y.Label.Text = title, ylabel
	p.Title.TextStyle.Font.Size = vg.Points(16)
	p.Title.Padding = vg.Millimeter * 3
	p.Y.Min = 0
	p.Add(plotter.NewGrid())
	return p
}

// bars adds the panel's series as grouped bars over its x labels, each
// bar with its label, a legend beside the plot for more than one series,
// and the axis: 0–100 % for rates, whole numbers for counts.
func bars(fs *fontSet, pn *panel) error {
	width, top := pn.barWidth(), 0.0
	for i, sr := range pn.drawnSeries() {
		b, err := plotter.NewBarChart(plotter.Values(sr.values), width)
		if err != nil {
			return fmt.Errorf("bar chart: %w", err)
		}
		b.Color, b.LineStyle.Width = sr.colour, 0
		if b.Color == nil {
			b.Color = palette[i%len(palette)]
		}
		b.Offset = width * vg.Length(float64(i)-float64(len(pn.series)-1)/2)
		pn.p.Add(b)
		if len(pn.series) > 1 {
			pn.addLegend(fs, sr.name, b)
		}
		if err := valueLabels(fs, pn.p, sr, b.Offset, pn.percent, width); err != nil {
			return err
		}
		for _, v := range sr.values {
			top = math.Max(top, v)
		}
	}
	if err := pn.labelEmptyGroups(fs); err != nil {
		return err
	}
	pn.p.NominalX(pn.xLabels...)
	pn.p.X.Min, pn.p.X.Max = -0.5, float64(len(pn.xLabels))-0.5
	if pn.percent {
		percentAxis(pn.p)
	} else {
		countAxis(pn.p, top)
	}
	fitXLabels(pn.p, pn.xLabels)
	return nil
}

// barWidth shares the plot's width among the bars, 80 % of it filled.
func (pn *panel) barWidth() vg.Length {
	n := max(1, len(pn.xLabels)*len(pn.series))
	avail := 650.0 // points of plot width, less with a legend beside it
	if len(pn.series) > 1 {
		avail = 540
	}
	return vg.Points(math.Max(6, math.Min(40, 0.8*avail/float64(n))))
}

// addLegend adds an entry to the panel's legend, made on first use.
func (pn *panel) addLegend(fs *fontSet, name string, thumb plot.Thumbnailer) {
	if pn.legend == nil {
		l := plot.NewLegend()
		l.TextStyle.Handler, l.TextStyle.Font = fs.handler, fs.font
		l.TextStyle.Font.Size = vg.Points(11)
		l.Top, l.Left, l.Padding = true, true, vg.Points(3)
		pn.legend = &l
	}
	pn.legend.Add(name, thumb)
}

// tr picks the Chinese text, or the English one without a CJK font.
func (fs *fontSet) tr(zh, en string) string {
	if fs.cjk {
		return zh
	}
	return en
}
