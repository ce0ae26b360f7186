package report

import (
	"fmt"
	"os"

	"golang.org/x/image/font/opentype"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
)

// cjkFonts are where Debian's CJK font packages put their fonts; the first
// one with Chinese and Latin glyphs is used (fonts-wqy-zenhei is the one
// CI and the Dockerfile install).
var cjkFonts = []string{
	"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
	"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
	"/usr/share/fonts/truetype/arphic/uming.ttc",
	"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
}

// cjkTypeface names the loaded CJK font in the chart's font cache.
const cjkTypeface = "TaplineCJK"

// fontSet is what chart text is drawn with.
type fontSet struct {
	handler text.Handler
	font    font.Font
	cjk     bool // false: no CJK font, labels fall back to English
}

// chartFonts loads the CJK font once; without one the charts use
// gonum/plot's Liberation fonts and English labels.
func (s *Service) chartFonts() *fontSet {
	s.fontOnce.Do(func() {
		paths := cjkFonts
		if s.fontPath != "" {
			paths = []string{s.fontPath}
		}
		for _, p := range paths {
			f, err := loadFont(p)
			if err == nil {
				cache := font.NewCache(font.Collection{{Font: font.Font{Typeface: cjkTypeface}, Face: f}})
				s.fonts = &fontSet{handler: text.Plain{Fonts: cache}, font: font.Font{Typeface: cjkTypeface}, cjk: true}
				s.log.Info("chart font loaded", "path", p)
				return
			}
			if !os.IsNotExist(err) || s.fontPath != "" {
				s.log.Warn("chart font unusable", "path", p, "err", err)
			}
		}
		s.log.Warn("no CJK font found: charts use English labels (install fonts-wqy-zenhei)")
		s.fonts = &fontSet{handler: plot.DefaultTextHandler, font: plot.DefaultFont}
	})
	return s.fonts
}

// loadFont parses a TrueType/OpenType font or the first font of a
// collection (.ttc), repacked first (repackFont), and checks it has the
// Chinese and Latin glyphs chart labels need.
func loadFont(path string) (*opentype.Font, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	b, err = repackFont(b)
	if err != nil {
		return nil, fmt.Errorf("font %s: %w", path, err)
	}
	f, err := opentype.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("parse font %s: %w", path, err)
	}
	for _, r := range "投诉0%A" {
		if idx, err := f.GlyphIndex(nil, r); err != nil || idx == 0 {
			return nil, fmt.Errorf("font %s has no glyph for %q", path, r)
		}
	}
	return f, nil
}

// style points every text style of p at the font set.
func (fs *fontSet) style(p *plot.Plot) {
	for _, st := range []*text.Style{&p.Title.TextStyle, &p.X.Label.TextStyle, &p.Y.Label.TextStyle,
		&p.X.Tick.Label, &p.Y.Tick.Label, &p.Legend.TextStyle} {
		st.Handler = fs.handler
		st.Font = font.From(fs.font, st.Font.Size)
	}
	p.TextHandler = fs.handler
	p.Legend.TextStyle.Handler = fs.handler
}
