package report_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"tapline/bot/report"
	"tapline/models"
)

// TestLedgerShowsPreventionEffect: the 预防措施 sheet lists the items live
// in the month, each with its recurrence counted in the month and the
// month before (policy 4.4.2: the next months' ledger shows whether
// recurrence fell); items checked before the month or found after it stay
// out.
func TestLedgerShowsPreventionEffect(t *testing.T) {
	db, svc, res := seeded(t, 160)
	at := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 9, 0, 0, 0, report.CST).UTC() }
	approved := at(time.November, 22)
	items := []*models.Prevention{
		{Kind: "area", Category: res.ClusterCategory, AreaKey: res.ClusterArea, Department: "pipe_network", Owner: "gm",
			Cases: 3, Since: at(time.October, 20), Status: models.PreventionAnnounced, Measure: "更换老旧管段",
			ApprovedBy: "gm", ApprovedAt: &approved, CreatedAt: at(time.November, 20), UpdatedAt: approved},
		{Kind: "department", Category: "billing", Department: "customer_service", Owner: "gm", Cases: 10,
			Status: models.PreventionChecked, Effect: "已下降", CreatedAt: at(time.August, 1), UpdatedAt: at(time.October, 15)},
		{Kind: "department", Category: "billing", Department: "customer_service", Owner: "gm", Cases: 10,
			Status: models.PreventionOpen, CreatedAt: at(time.December, 2), UpdatedAt: at(time.December, 2)},
	}
	for _, p := range items {
		if err := db.Gorm().Create(p).Error; err != nil {
			t.Fatal(err)
		}
	}
	var want int64
	if err := db.Gorm().Model(&models.Case{}).Where("category = ? AND area_key = ? AND created_at >= ? AND created_at < ?",
		res.ClusterCategory, res.ClusterArea, november.Start().UTC(), november.End().UTC()).Count(&want).Error; err != nil {
		t.Fatal(err)
	}
	if want < 3 {
		t.Fatalf("the seeded cluster has %d cases in November, want at least 3", want)
	}
	rows := mustRows(t, mustLedger(t, svc, november, report.LedgerOptions{}), report.SheetPrevention)
	if len(rows) != 3 {
		t.Fatalf("prevention sheet has %d rows, want title, header and one item: %q", len(rows), rows)
	}
	h, r := rows[1], rows[2]
	checks := map[string]string{"编号": "P1", "状态": "已通报，观察效果", "预防措施": "更换老旧管段",
		"上月同类投诉": "0", "本月同类投诉": strconv.FormatInt(want, 10), "本月比上月": "上升"}
	for col, v := range checks {
		if got := cell(r, column(t, h, col)); got != v {
			t.Errorf("%s = %q, want %q", col, got, v)
		}
	}
	if got := cell(r, column(t, h, "重复投诉")); !strings.HasPrefix(got, res.ClusterArea) {
		t.Errorf("重复投诉 = %q, want the cluster's area %s first", got, res.ClusterArea)
	}
	empty := mustRows(t, mustLedger(t, svc, report.Month{Year: 2026, Month: time.June}, report.LedgerOptions{}),
		report.SheetPrevention)
	if last := empty[len(empty)-1]; len(last) == 0 || !strings.Contains(last[0], "没有重复投诉预防事项") {
		t.Errorf("June's prevention sheet ends %q, want it to say there is none", last)
	}
}
