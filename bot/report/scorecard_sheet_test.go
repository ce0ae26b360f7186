package report_test

import (
	"strconv"
	"testing"

	"tapline/bot/report"
)

// TestScorecardSheetShowsDashAndBase: in the 部门考核 sheet a department
// without cases shows "—" for its rates (not 0.0 %), and the satisfaction
// rate stands beside the call-backs it is counted from.
func TestScorecardSheetShowsDashAndBase(t *testing.T) {
	_, svc, _ := seeded(t, 120)
	rows := mustRows(t, mustLedger(t, svc, november, report.LedgerOptions{}), report.SheetScorecard)
	header := rows[1]
	rate, base := column(t, header, "回访满意率"), column(t, header, report.LabelReached)
	if base != rate+1 {
		t.Errorf("the base is column %d, the rate %d: want it beside", base, rate)
	}
	var empty, reached int
	for _, row := range rows[2:] {
		n, err := strconv.Atoi(cell(row, base))
		if err != nil {
			t.Fatalf("%s: base %q", row[0], cell(row, base))
		}
		reached += n
		if cell(row, column(t, header, "投诉数")) != "0" {
			continue
		}
		empty++
		for _, col := range []string{"按时接单率", "当天反馈率", "按时办结率", "重开率", "回访满意率"} {
			if v := cell(row, column(t, header, col)); v != "—" {
				t.Errorf("%s without cases: %s = %q, want —", row[0], col, v)
			}
		}
	}
	if empty == 0 || reached == 0 {
		t.Errorf("%d departments without cases, %d call-backs reached: the test proves little", empty, reached)
	}
}
