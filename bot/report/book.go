package report

import (
	"archive/zip"
	"compress/flate"
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"

	"tapline/bot/remind"
)

// book is the ledger workbook: one stream writer per sheet, so rows go to
// a temporary file rather than stay in memory.
type book struct {
	f      *excelize.File
	sheets map[string]*sheet
	order  []string
}

// sheet writes the rows of one sheet in order.
type sheet struct {
	sw                    *excelize.StreamWriter
	next                  int
	titleStyle, headStyle int
	pctStyle              int
}

// sheetWidths are the column widths per sheet (first column on).
var sheetWidths = map[string][]float64{
	SheetLedger: {6, 16, 17, 11, 14, 12, 8, 16, 10, 13, 22, 40, 12, 14, 40, 8, 14, 17, 8, 8, 8, 17,
		10, 10, 10, 10, 10, 10, 10, 8, 10, 8, 8, 20},
	SheetSummary:    {24, 12, 12, 12, 12, 12, 12},
	SheetScorecard:  {14, 8, 8, 12, 12, 12, 8, 8, 14, 10, 12, 30},
	SheetMajor:      {6, 16, 17, 14, 12, 18, 12, 12, 40, 14, 17, 12, 17, 10, 8, 20},
	SheetPrevention: {8, 17, 24, 10, 16, 16, 40, 12, 17, 12, 12, 10, 40},
}

// newBook makes the workbook with its five sheets.
func newBook(f *excelize.File) (*book, error) {
	b := &book{f: f, sheets: map[string]*sheet{}, order: []string{SheetLedger, SheetSummary, SheetScorecard, SheetMajor, SheetPrevention}}
	if err := f.SetSheetName("Sheet1", SheetLedger); err != nil {
		return nil, fmt.Errorf("ledger: name sheet: %w", err)
	}
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	if err != nil {
		return nil, fmt.Errorf("ledger: style: %w", err)
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	if err != nil {
		return nil, fmt.Errorf("ledger: style: %w", err)
	}
	pct, err := f.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
	if err != nil {
		return nil, fmt.Errorf("ledger: style: %w", err)
	}
	for _, name := range b.order {
		sh, err := b.addSheet(name)
		if err != nil {
			return nil, err
		}
		sh.titleStyle, sh.headStyle, sh.pctStyle = title, head, pct
	}
	return b, nil
}

// addSheet creates a sheet (the first exists already) and its writer.
func (b *book) addSheet(name string) (*sheet, error) {
	if name != SheetLedger {
		if _, err := b.f.NewSheet(name); err != nil {
			return nil, fmt.Errorf("ledger: new sheet %s: %w", name, err)
		}
	}
	sw, err := b.f.NewStreamWriter(name)
	if err != nil {
		return nil, fmt.Errorf("ledger: stream %s: %w", name, err)
	}
	for i, w := range sheetWidths[name] {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return nil, fmt.Errorf("ledger: width: %w", err)
		}
	}
	if name == SheetLedger || name == SheetMajor { // title and header stay in view
		err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"})
		if err != nil {
			return nil, fmt.Errorf("ledger: panes: %w", err)
		}
	}
	sh := &sheet{sw: sw, next: 1}
	b.sheets[name] = sh
	return sh, nil
}

// flush ends every sheet.
func (b *book) flush() error {
	for _, name := range b.order {
		if err := b.sheets[name].sw.Flush(); err != nil {
			return fmt.Errorf("flush %s: %w", name, err)
		}
	}
	return nil
}

// row writes the next row.
func (sh *sheet) row(vals []any, opts ...excelize.RowOpts) error {
	cell, _ := excelize.CoordinatesToCellName(1, sh.next)
	if err := sh.sw.SetRow(cell, vals, opts...); err != nil {
		return fmt.Errorf("ledger: row %d: %w", sh.next, err)
	}
	sh.next++
	return nil
}

// blank skips a row.
func (sh *sheet) blank() { sh.next++ }

// title writes a bold title row.
func (sh *sheet) title(text string) error {
	return sh.row([]any{excelize.Cell{StyleID: sh.titleStyle, Value: text}}, excelize.RowOpts{Height: 22})
}

// header writes a header row.
func (sh *sheet) header(cols []string) error {
	vals := make([]any, len(cols))
	for i, c := range cols {
		vals[i] = excelize.Cell{StyleID: sh.headStyle, Value: c}
	}
	return sh.row(vals)
}

// pct is a share as a percent cell, or a dash when there is nothing to
// divide.
func (sh *sheet) pct(num, den int) any {
	if den == 0 {
		return "—"
	}
	return excelize.Cell{StyleID: sh.pctStyle, Value: float64(num) / float64(den)}
}

// fastZip zips the workbook at deflate's best speed: a month's ledger is
// tens of megabytes of XML, and the default level spends seconds on a
// few percent of size.
func fastZip(w io.Writer) excelize.ZipWriter {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	return zw
}

// stageCriterion names a policy 4.1.3 criterion (bot/remind's names).
func stageCriterion(key string) string {
	if key == "" {
		return "未注明"
	}
	return remind.CriterionName(key)
}

// timeOrDash renders an optional time.
func timeOrDash(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return formatTime(*t)
}
