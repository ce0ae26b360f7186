package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"tapline/models"
)

func TestAccountsUpsert(t *testing.T) {
	db, _ := openClocked(t)
	ctx := context.Background()
	_, err := db.FindAccount(ctx, "hotline.crew")
	wantCode(t, err, models.ENOTFOUND)
	for _, h := range []string{"$2a$10$first", "$2a$10$second"} {
		if err := db.SetPasswordHash(ctx, "hotline.crew", h); err != nil {
			t.Fatal(err)
		}
		a, err := db.FindAccount(ctx, "hotline.crew")
		if err != nil || a.PasswordHash != h {
			t.Fatalf("account = %+v, %v; want hash %s", a, err, h)
		}
	}
}

func TestAPITokensLifecycle(t *testing.T) {
	db, clk := openClocked(t)
	ctx := context.Background()
	tok := &models.APIToken{Name: "crm", Hash: "abc123", Prefix: "tpl_abcd", Role: "crew", Department: "hotline"}
	if err := db.CreateAPIToken(ctx, tok); err != nil || tok.ID == 0 {
		t.Fatalf("create: %v id %d", err, tok.ID)
	}
	dup := &models.APIToken{Name: "dup", Hash: "abc123", Prefix: "x", Role: "crew"}
	wantCode(t, db.CreateAPIToken(ctx, dup), models.ECONFLICT)
	_, err := db.FindAPIToken(ctx, "nope")
	wantCode(t, err, models.ENOTFOUND)
	if err := db.TouchAPIToken(ctx, tok.ID, clk.Now()); err != nil {
		t.Fatal(err)
	}
	first := clk.Now()
	if err := db.RevokeAPIToken(ctx, tok.ID, first); err != nil {
		t.Fatal(err)
	}
	clk.Add(time.Hour)
	if err := db.RevokeAPIToken(ctx, tok.ID, clk.Now()); err != nil {
		t.Fatal(err)
	}
	got, err := db.FindAPIToken(ctx, "abc123")
	if err != nil || got.RevokedAt == nil || !got.RevokedAt.Equal(first.Truncate(time.Millisecond)) || got.LastUsedAt == nil {
		t.Fatalf("token after revoke: %+v %v", got, err)
	}
	wantCode(t, db.RevokeAPIToken(ctx, 9999, clk.Now()), models.ENOTFOUND)
	all, err := db.APITokens(ctx)
	if err != nil || len(all) != 1 {
		t.Fatalf("list: %d %v", len(all), err)
	}
}

func TestPersonalDataReads(t *testing.T) {
	db, _ := openClocked(t)
	ctx := context.Background()
	c := mustCreate(t, db, newCase("reads", 0))
	reads := []models.PersonalDataRead{
		{CaseID: c.ID, CaseNumber: c.Number, Reader: "hotline.crew", Role: "crew", Channel: "console", Purpose: "detail"},
		{CaseID: c.ID, CaseNumber: c.Number, Reader: "token:3", Role: "crew", Channel: "api", Purpose: "detail"},
	}
	if err := db.RecordReads(ctx, reads); err != nil {
		t.Fatal(err)
	}
	got, err := db.CaseReads(ctx, c.ID)
	if err != nil || len(got) != 2 || got[0].Reader != "hotline.crew" || got[1].Channel != "api" || got[0].CreatedAt.IsZero() {
		t.Fatalf("reads: %+v %v", got, err)
	}
}

// TestFindCasesDeskFilters covers the console's filters: several statuses,
// category, source, major, a date range, text search and overdue.
func TestFindCasesDeskFilters(t *testing.T) {
	db, clk := openClocked(t)
	ctx := context.Background()
	var cs []*models.Case
	for i := range 6 {
		nc := newCase(fmt.Sprintf("desk-%d", i), 0)
		nc.Case.Source = []string{models.SourceWeChat, models.SourcePhone, models.SourceGov}[i%3]
		nc.Case.Category = []string{"water_quality", "billing"}[i%2]
		nc.Case.Status = []string{models.StatusAssigned, models.StatusAccepted, models.StatusClosed}[i%3]
		nc.Case.Major = i == 4
		nc.Case.Address = fmt.Sprintf("幸福路%d号", 10+i)
		nc.Case.Phone = fmt.Sprintf("1390000%04d", i)
		if i == 5 {
			nc.Case.Address = "100%_路!1号" // LIKE wildcards must match literally
		}
		if i == 1 || i == 2 {
			nc.Deadlines = []models.Deadline{{Stage: models.StageAccept, DueAt: clk.Now().Add(time.Duration(i) * time.Hour),
				NextAt: clk.Now().Add(time.Hour)}}
		}
		cs = append(cs, mustCreate(t, db, nc))
		clk.Add(time.Minute)
	}
	yes := true
	from, until := cs[1].CreatedAt, cs[4].CreatedAt
	at := cs[0].CreatedAt.Add(90 * time.Minute) // case 1's clock (1 h) is past, case 2's (2 h) not
	tests := []struct {
		name string
		f    models.CaseFilter
		want []int
	}{
		{"statuses", models.CaseFilter{Statuses: []string{models.StatusAssigned, models.StatusAccepted}}, []int{4, 3, 1, 0}},
		{"category and source", models.CaseFilter{Category: "billing", Source: models.SourcePhone}, []int{1}},
		{"major", models.CaseFilter{Major: &yes}, []int{4}},
		{"range", models.CaseFilter{Since: &from, Until: &until}, []int{3, 2, 1}},
		{"query phone part", models.CaseFilter{Query: "00003"}, []int{3}},
		{"query number", models.CaseFilter{Query: cs[2].Number}, []int{2}},
		{"query wildcard literal", models.CaseFilter{Query: "%_"}, []int{5}},
		{"query no match", models.CaseFilter{Query: "人民路"}, nil},
		{"address exact", models.CaseFilter{Address: "幸福路13号"}, []int{3}},
		{"overdue", models.CaseFilter{OverdueAt: &at}, []int{1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, total, err := db.FindCases(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var idx []int
			for _, c := range got {
				idx = append(idx, slices.IndexFunc(cs, func(x *models.Case) bool { return x.ID == c.ID }))
			}
			if !slices.Equal(idx, tc.want) || total != len(tc.want) {
				t.Fatalf("got %v (total %d), want %v", idx, total, tc.want)
			}
		})
	}
}

func TestCountCases(t *testing.T) {
	db, _ := openClocked(t)
	ctx := context.Background()
	for i := range 5 {
		nc := newCase(fmt.Sprintf("count-%d", i), 0)
		nc.Case.Department = []string{"quality", "supply"}[i%2]
		nc.Case.Major = i == 0
		mustCreate(t, db, nc)
	}
	byDept, err := db.CountCases(ctx, models.CaseFilter{}, "department")
	if err != nil || byDept["quality"] != 3 || byDept["supply"] != 2 {
		t.Fatalf("by department: %v %v", byDept, err)
	}
	major, err := db.CountCases(ctx, models.CaseFilter{Department: "quality"}, "major")
	if err != nil || major["true"] != 1 || major["false"] != 2 {
		t.Fatalf("by major: %v %v", major, err)
	}
	_, err = db.CountCases(ctx, models.CaseFilter{}, "name; DROP TABLE cases")
	wantCode(t, err, models.EINVALID)
}

// TestPersonalDataReadsOfAMonthExport: an export's reads (one per case of
// a month) go in however many there are: more than MySQL's 65 535
// placeholders in one INSERT would allow.
func TestPersonalDataReadsOfAMonthExport(t *testing.T) {
	db, _ := openClocked(t)
	ctx := context.Background()
	c := mustCreate(t, db, newCase("export", 0))
	reads := make([]models.PersonalDataRead, 12_000)
	for i := range reads {
		reads[i] = models.PersonalDataRead{CaseID: c.ID + uint64(i), CaseNumber: fmt.Sprintf("C%d", i), Reader: "hotline.crew",
			Role: "crew", Channel: "api", Purpose: "ledger 2026-11"}
	}
	if err := db.RecordReads(ctx, reads); err != nil {
		t.Fatal(err)
	}
	var n int64
	if err := db.Gorm().Model(&models.PersonalDataRead{}).Where("purpose = ?", "ledger 2026-11").Count(&n).Error; err != nil || n != 12_000 {
		t.Fatalf("%d reads recorded (%v), want 12000", n, err)
	}
}
