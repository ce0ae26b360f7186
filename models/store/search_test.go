package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"tapline/models"
	"tapline/models/store"
)

// TestSearchCases: the console's search finds a case by number, name,
// address, phone (full, partial, typed with spaces, dashes or +86) and
// the complaint text, two characters or more, on both backends; a
// correction of the phone is found at once; wildcards are literal.
func TestSearchCases(t *testing.T) {
	db, _ := openClocked(t)
	ctx := context.Background()
	if db.Dialect() == store.DialectSQLite {
		var n int64
		if err := db.Gorm().Raw("SELECT COUNT(*) FROM sqlite_master WHERE name = 'cases_fts'").Scan(&n).Error; err != nil || n != 1 {
			t.Fatalf("no FTS5 index: %d %v", n, err)
		}
	}
	rows := []struct{ name, addr, phone, details string }{
		{"张三", "幸福路 1 号", "13800001234", "水有异味，像漂白粉"},
		{"李四", "光明路8号2栋", "13912345678", "停水一天了"},
		{"王五", "解放街100%店", "057188886666", "水表走得快"},
	}
	var cs []*models.Case
	for i, r := range rows {
		nc := newCase(fmt.Sprintf("search-%d", i), 0)
		nc.Case.Name, nc.Case.Address, nc.Case.Phone, nc.Case.Details = r.name, r.addr, r.phone, r.details
		cs = append(cs, mustCreate(t, db, nc))
	}
	find := func(q string) []int {
		t.Helper()
		got, total, err := db.FindCases(ctx, models.CaseFilter{Query: q})
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		var idx []int
		for _, c := range got {
			idx = append(idx, slices.IndexFunc(cs, func(x *models.Case) bool { return x.ID == c.ID }))
		}
		slices.Sort(idx)
		if total != len(idx) {
			t.Fatalf("%q: total %d, rows %d", q, total, len(idx))
		}
		return idx
	}
	for q, want := range map[string][]int{
		cs[1].Number: {1}, strings.ToLower(cs[1].Number): {1}, cs[0].Number[:10]: {0, 1, 2}, cs[2].Number[11:]: {2},
		"李四": {1}, "王": {2}, "光明路": {1}, "8号2栋": {1},
		"13912345678": {1}, "1234": {0, 1}, "5678": {1}, "139 1234 5678": {1}, "+86 139-1234-5678": {1},
		"0571-8888": {2}, "停水": {1}, "漂白粉": {0}, "水": {0, 1, 2}, "100%": {2}, "%": {2}, "_": nil, "没有这件": nil,
	} {
		if got := find(q); !slices.Equal(got, want) {
			t.Errorf("search %q: cases %v, want %v", q, got, want)
		}
	}
	_, _, err := db.CorrectCase(ctx, &models.CaseCorrection{CaseID: cs[0].ID, Version: cs[0].Version,
		Field: models.CorrectPhone, Value: "13600007777", Event: models.CaseEvent{Actor: "hotline.crew", Role: "crew"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := find("13600007777"); !slices.Equal(got, []int{0}) {
		t.Errorf("corrected phone: %v", got)
	}
	if got := find("13800001234"); got != nil {
		t.Errorf("old phone still found: %v", got)
	}
	n, err := db.CountCases(ctx, models.CaseFilter{Query: "停水"}, "status")
	if err != nil || n[models.StatusAssigned] != 1 {
		t.Fatalf("count: %v %v", n, err)
	}
}
