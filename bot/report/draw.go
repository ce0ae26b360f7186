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

// series is one bar series: a name (for the legend) and its values.
type series struct {
	name   string
	values []float64
}

// drawChart draws chart n of d into w as PNG.
func (s *Service) drawChart(w io.Writer, fs *fontSet, n string, d *chartData) error {
	var plots []*plot.Plot
	var err error
	switch n {
	case ChartCategory, ChartDepartment, ChartSource:
		plots, err = s.countChart(fs, n, d)
	case ChartTrend:
		plots, err = s.trendChart(fs, d)
	case ChartOnTime, ChartScorecard:
		plots, err = s.rateChart(fs, n, d)
	case ChartSatisfaction:
		plots, err = s.satisfactionChart(fs, d)
	default:
		return models.Errorf(models.EINVALID, "没有名为「%s」的统计图。", n)
	}
	if err != nil {
		return err
	}
	return render(w, plots)
}

// render draws plots side by side on one PNG canvas.
func render(w io.Writer, plots []*plot.Plot) error {
	img := vgimg.NewWith(vgimg.UseWH(chartW, chartH), vgimg.UseDPI(chartDPI))
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: 1, Cols: len(plots), PadX: vg.Millimeter * 4, PadTop: vg.Millimeter * 2,
		PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	canvases := plot.Align([][]*plot.Plot{plots}, tiles, dc)
	for i, p := range plots {
		p.Draw(canvases[0][i])
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(w); err != nil {
		return fmt.Errorf("encode png: %w", err)
	}
	return nil
}

// newPlot makes a plot with the font set's text and a title.
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

// bars adds grouped bar series over labels; percent renders values as
// percentages with a fixed 0–100 axis.
func bars(fs *fontSet, p *plot.Plot, labels []string, ss []series, percent bool) error {
	width := vg.Points(math.Max(8, math.Min(40, 600/float64(len(labels)*len(ss)))))
	top := 1.0
	for i, sr := range ss {
		b, err := plotter.NewBarChart(plotter.Values(sr.values), width)
		if err != nil {
			return fmt.Errorf("bar chart: %w", err)
		}
		b.Color, b.LineStyle.Width = palette[i%len(palette)], 0
		b.Offset = width * vg.Length(float64(i)-float64(len(ss)-1)/2)
		p.Add(b)
		if len(ss) > 1 {
			p.Legend.Add(sr.name, b)
		}
		for _, v := range sr.values {
			top = math.Max(top, v)
		}
		if len(ss) == 1 {
			if err := valueLabels(fs, p, sr.values, percent); err != nil {
				return err
			}
		}
	}
	p.NominalX(labels...)
	p.Y.Max = top * 1.15
	if percent {
		p.Y.Max = 100 + 6*float64(len(ss)) // room for the legend
	}
	if len(labels) > 6 {
		p.X.Tick.Label.Rotation = math.Pi / 6
		p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = draw.XRight, draw.YCenter
	}
	p.Legend.Top, p.Legend.Padding = true, vg.Points(3)
	return nil
}

// valueLabels writes each bar's value above it.
func valueLabels(fs *fontSet, p *plot.Plot, values []float64, percent bool) error {
	var xys plotter.XYLabels
	xys.XYs = make(plotter.XYs, len(values))
	xys.Labels = make([]string, len(values))
	for i, v := range values {
		xys.XYs[i] = plotter.XY{X: float64(i), Y: v}
		xys.Labels[i] = fmt.Sprintf("%.0f", v)
		if percent {
			xys.Labels[i] = fmt.Sprintf("%.1f%%", v)
		}
	}
	l, err := plotter.NewLabels(xys)
	if err != nil {
		return fmt.Errorf("labels: %w", err)
	}
	for i := range l.TextStyle {
		l.TextStyle[i].Handler, l.TextStyle[i].Font = fs.handler, fs.font
		l.TextStyle[i].Font.Size = vg.Points(10)
		l.TextStyle[i].XAlign, l.TextStyle[i].YAlign = draw.XCenter, draw.YBottom
	}
	l.Offset = vg.Point{Y: vg.Points(2)}
	p.Add(l)
	return nil
}

// tr picks the Chinese text, or the English one without a CJK font.
func (fs *fontSet) tr(zh, en string) string {
	if fs.cjk {
		return zh
	}
	return en
}
