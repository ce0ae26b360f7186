package report_test

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"tapline/bot/report"
	"tapline/models"
	"tapline/models/store"
)

func TestLedgerMatchesIndependentCounts(t *testing.T) {
	db, svc, _ := seeded(t, 200)
	f := mustLedger(t, svc, november, report.LedgerOptions{})
	if got := f.GetSheetList(); strings.Join(got, ",") != "投诉台账,汇总,部门考核,重大投诉,预防措施" {
		t.Fatalf("sheets = %v", got)
	}
	rows := mustRows(t, f, report.SheetLedger)
	header, body := rows[1], rows[2:]
	var n int64
	if err := db.Gorm().Raw("SELECT COUNT(*) FROM cases WHERE created_at >= ? AND created_at < ?",
		november.Start().UTC(), november.End().UTC()).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	if len(body) != int(n) || n != 200 {
		t.Fatalf("ledger has %d rows, the database %d cases", len(body), n)
	}
	// Category totals: ledger rows versus GROUP BY in plain SQL.
	var groups []struct {
		Category string
		N        int
	}
	if err := db.Gorm().Raw("SELECT category, COUNT(*) AS n FROM cases WHERE created_at >= ? AND created_at < ? GROUP BY category",
		november.Start().UTC(), november.End().UTC()).Scan(&groups).Error; err != nil {
		t.Fatal(err)
	}
	p := mustPolicy(t)
	perCat := map[string]int{}
	catCol := column(t, header, "投诉类别")
	for _, r := range body {
		perCat[cell(r, catCol)]++
	}
	for _, g := range groups {
		if got := perCat[p.Category(g.Category).Name]; got != g.N {
			t.Errorf("category %s: ledger %d rows, database %d", g.Category, got, g.N)
		}
	}
	checkSummary(t, f, db, int(n))
	checkMajorSheet(t, f, db)
}

// count runs a COUNT query.
func count(t *testing.T, db *store.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.Gorm().Raw(q, args...).Scan(&n).Error; err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// labelled maps the first cell of each summary row to its second.
func labelled(rows [][]string) map[string]string {
	out := map[string]string{}
	for _, r := range rows {
		if len(r) >= 2 {
			if _, seen := out[r[0]]; !seen {
				out[r[0]] = r[1]
			}
		}
	}
	return out
}

// checkSummary compares the summary's totals with plain counts.
func checkSummary(t *testing.T, f *excelize.File, db *store.DB, total int) {
	t.Helper()
	from, to := november.Start().UTC(), november.End().UTC()
	got := labelled(mustRows(t, f, report.SheetSummary))
	want := map[string]int{
		report.LabelTotal:  total,
		report.LabelMajor:  count(t, db, "SELECT COUNT(*) FROM cases WHERE created_at >= ? AND created_at < ? AND major = ?", from, to, true),
		report.LabelUrgent: count(t, db, "SELECT COUNT(*) FROM cases WHERE created_at >= ? AND created_at < ? AND urgent = ?", from, to, true),
		report.LabelReopened: count(t, db, "SELECT COUNT(DISTINCT e.case_id) FROM case_events e JOIN cases c ON c.id = e.case_id "+
			"WHERE c.created_at >= ? AND c.created_at < ? AND e.type = 'reopen'", from, to),
	}
	for label, n := range want {
		if got[label] != strconv.Itoa(n) {
			t.Errorf("summary %s = %q, want %d", label, got[label], n)
		}
	}
	if want[report.LabelMajor] == 0 || want[report.LabelReopened] == 0 {
		t.Errorf("seeded month lacks major or reopened cases: %v", want)
	}
	p := mustPolicy(t)
	for _, d := range p.Departments {
		n := count(t, db, "SELECT COUNT(*) FROM cases WHERE created_at >= ? AND created_at < ? AND department = ?", from, to, d.Key)
		if n > 0 && got[d.Name] != strconv.Itoa(n) {
			t.Errorf("summary department %s = %q, want %d", d.Name, got[d.Name], n)
		}
	}
}

// checkMajorSheet compares the GM's list with the major cases.
func checkMajorSheet(t *testing.T, f *excelize.File, db *store.DB) {
	t.Helper()
	rows := mustRows(t, f, report.SheetMajor)
	want := count(t, db, "SELECT COUNT(*) FROM cases WHERE created_at >= ? AND created_at < ? AND major = ?",
		november.Start().UTC(), november.End().UTC(), true)
	if len(rows)-2 != want {
		t.Errorf("major sheet has %d cases, want %d", len(rows)-2, want)
	}
	why := column(t, rows[1], "重大依据")
	groups := 0
	for _, r := range rows[2:] {
		if strings.HasPrefix(cell(r, why), "群体性投诉") {
			groups++
		}
	}
	if groups != 3 {
		t.Errorf("major sheet lists %d group complaints, want the cluster's 3", groups)
	}
}

func TestLedgerStageColumnsMatchDeadlines(t *testing.T) {
	db, svc, _ := seeded(t, 120)
	f := mustLedger(t, svc, november, report.LedgerOptions{})
	rows := mustRows(t, f, report.SheetLedger)
	r := mustRaw(t, db, november)
	verdicts := r.verdicts(testNow)
	names := map[string]string{models.TimingOnTime: "按时", models.TimingLate: "超时完成",
		models.TimingOverdue: "超时未完成", models.TimingRunning: "进行中", "": "—"}
	cols := map[string]string{models.StageAccept: "接单时限", models.StageMeasures: "措施时限", models.StageApprove: "审批时限",
		models.StageResolve: "落实时限", models.StageFeedback: "当天反馈", models.StageCallback: "回访时限"}
	numCol := column(t, rows[1], "投诉编号")
	byNumber := map[string][]string{}
	for _, row := range rows[2:] {
		byNumber[cell(row, numCol)] = row
	}
	seen := map[string]bool{}
	for _, c := range r.cases {
		row := byNumber[c.Number]
		if row == nil {
			t.Fatalf("case %s missing from the ledger", c.Number)
		}
		for stage, col := range cols {
			want := names[verdicts[c.ID][stage]]
			seen[want] = true
			if got := cell(row, column(t, rows[1], col)); got != want {
				t.Errorf("%s %s = %q, want %q", c.Number, col, got, want)
			}
		}
	}
	for _, v := range []string{"按时", "超时完成", "超时未完成", "—"} {
		if !seen[v] {
			t.Errorf("no stage verdict %q in the seeded month", v)
		}
	}
}

func TestLedgerMasksContactsUnlessAllowed(t *testing.T) {
	db, svc, _ := seeded(t, 40)
	r := mustRaw(t, db, november)
	for _, contacts := range []bool{false, true} {
		f := mustLedger(t, svc, november, report.LedgerOptions{Contacts: contacts})
		var all strings.Builder
		for _, sheet := range f.GetSheetList() {
			for _, row := range mustRows(t, f, sheet) {
				all.WriteString(strings.Join(row, "|") + "\n")
			}
		}
		text := all.String()
		for _, c := range r.cases {
			hasPhone, hasName := strings.Contains(text, c.Phone), strings.Contains(text, "|"+c.Name+"|")
			if contacts != hasPhone || contacts != hasName || contacts != strings.Contains(text, c.Address) {
				t.Fatalf("contacts=%v: %s phone shown %v, name shown %v", contacts, c.Number, hasPhone, hasName)
			}
			if !contacts && !strings.Contains(text, models.MaskPhone(c.Phone)) {
				t.Fatalf("masked phone of %s missing", c.Number)
			}
		}
	}
}

func TestLedgerOfEmptyMonthSaysSo(t *testing.T) {
	_, svc, _ := seeded(t, 0)
	f := mustLedger(t, svc, november, report.LedgerOptions{})
	summary := mustRows(t, f, report.SheetSummary)
	found := false
	for _, r := range summary {
		found = found || strings.Contains(strings.Join(r, ""), report.LabelNoCases)
	}
	if !found {
		t.Errorf("empty month's summary does not say so: %v", summary)
	}
	if rows := mustRows(t, f, report.SheetLedger); len(rows) != 3 || !strings.Contains(rows[2][0], "没有投诉记录") {
		t.Errorf("empty ledger sheet = %v", rows)
	}
	if rows := mustRows(t, f, report.SheetScorecard); len(rows) != 2+len(mustPolicy(t).Departments) {
		t.Errorf("empty scorecard has %d rows, want every department", len(rows))
	}
}

func TestLedgerRefusesFutureMonth(t *testing.T) {
	_, svc, _ := seeded(t, 0)
	var buf bytes.Buffer
	err := svc.Ledger(context.Background(), report.Month{Year: 2027, Month: 1}, &buf, report.LedgerOptions{})
	if models.ErrorCode(err) != models.EINVALID || buf.Len() != 0 {
		t.Fatalf("future month: err %v, %d bytes written", err, buf.Len())
	}
}
