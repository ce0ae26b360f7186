package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"tapline/models"
)

func TestFindCasesFilters(t *testing.T) {
	db, clk := openClocked(t)
	ctx := context.Background()
	var cases []*models.Case // in creation order, one minute apart
	for i := range 9 {
		nc := newCase(fmt.Sprintf("filter-%d", i), 0)
		nc.Case.Department = []string{"quality", "billing", "pipes"}[i%3]
		nc.Case.Status = []string{models.StatusAssigned, models.StatusReceived}[i%2]
		nc.Case.Phone = fmt.Sprintf("1380000%04d", i%4)
		cases = append(cases, mustCreate(t, db, nc))
		clk.Add(time.Minute)
	}
	since := cases[6].CreatedAt
	numbers := func(idx ...int) []string {
		var out []string
		for _, i := range idx {
			out = append(out, cases[i].Number)
		}
		return out
	}
	tests := []struct {
		name  string
		f     models.CaseFilter
		want  []string
		total int
	}{
		{"all newest first", models.CaseFilter{}, numbers(8, 7, 6, 5, 4, 3, 2, 1, 0), 9},
		{"department", models.CaseFilter{Department: "billing"}, numbers(7, 4, 1), 3},
		{"status", models.CaseFilter{Status: models.StatusReceived}, numbers(7, 5, 3, 1), 4},
		{"phone", models.CaseFilter{Phone: "13800000001"}, numbers(5, 1), 2},
		{"resident", models.CaseFilter{ResidentID: "openid-filter-4"}, numbers(4), 1},
		{"since", models.CaseFilter{Since: &since}, numbers(8, 7, 6), 3},
		{"combined", models.CaseFilter{Department: "quality", Status: models.StatusAssigned}, numbers(6, 0), 2},
		{"page 2", models.CaseFilter{Offset: 3, Limit: 3}, numbers(5, 4, 3), 9},
		{"past the end", models.CaseFilter{Offset: 20, Limit: 3}, nil, 9},
		{"no match", models.CaseFilter{Department: "none"}, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, total, err := db.FindCases(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			var gotNums []string
			for _, c := range got {
				gotNums = append(gotNums, c.Number)
			}
			if total != tt.total || fmt.Sprint(gotNums) != fmt.Sprint(tt.want) {
				t.Fatalf("got %v (total %d), want %v (total %d)", gotNums, total, tt.want, tt.total)
			}
		})
	}
}

func TestFindCasesLimits(t *testing.T) {
	db, _ := openClocked(t)
	ctx := context.Background()
	rows := make([]models.Case, 505)
	for i := range rows {
		rows[i] = models.Case{
			Number: fmt.Sprintf("TS20261127-%04d", i+1), DraftKey: fmt.Sprintf("bulk-%d", i),
			Status: models.StatusAssigned, Source: models.SourcePhone, Category: "other",
			Department: "quality", Version: 1, CreatedAt: t0.Add(time.Duration(i) * time.Second),
		}
	}
	if err := db.Gorm().WithContext(ctx).CreateInBatches(rows, 100).Error; err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		limit, want int
	}{{0, 50}, {-1, 50}, {7, 7}, {500, 500}, {10000, 500}}
	for _, tt := range tests {
		got, total, err := db.FindCases(ctx, models.CaseFilter{Limit: tt.limit})
		if err != nil || len(got) != tt.want || total != len(rows) {
			t.Fatalf("limit %d: %d rows, total %d, %v; want %d rows", tt.limit, len(got), total, err, tt.want)
		}
	}
}

func TestSupplementCase(t *testing.T) {
	db, clk := openClocked(t)
	ctx := context.Background()
	nc := newCase("emergency-1", 0)
	nc.Case.Name, nc.Case.Address, nc.Case.Phone = "", "", ""
	c := mustCreate(t, db, nc)
	clk.Add(time.Hour)
	patch := &models.Case{Name: "李四", Phone: "13912345678", Details: "", Status: "ignored"}
	out := []models.Outbox{{Channel: models.ChannelSink, Target: "quality", Kind: "text", Payload: "{}"}}
	got, err := db.SupplementCase(ctx, c.Number, patch, models.CaseEvent{Actor: "openid-x"}, out)
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := db.FindCaseByNumber(ctx, c.Number)
	for _, x := range []*models.Case{got, stored} {
		if x.Version != 2 || x.Name != "李四" || x.Phone != "13912345678" || x.Address != "" ||
			x.Details != nc.Case.Details || x.Status != models.StatusAssigned ||
			!x.UpdatedAt.Equal(clk.Now().Truncate(time.Millisecond)) {
			t.Fatalf("supplemented case = %+v", x)
		}
	}
	events, _ := db.CaseEvents(ctx, c.ID)
	if len(events) != 2 || events[1].Type != "supplemented" || events[1].CaseID != c.ID {
		t.Fatalf("events = %+v", events)
	}
	if _, total, _ := db.ListOutbox(ctx, models.OutboxFilter{CaseID: c.ID}); total != 1 {
		t.Fatalf("outbox rows = %d, want 1", total)
	}
}

func TestSupplementCaseConcurrent(t *testing.T) {
	db, _ := openClocked(t)
	ctx := context.Background()
	c := mustCreate(t, db, newCase("supp-race", 0))
	const n = 8
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for i := range n {
		wg.Go(func() {
			_, err := db.SupplementCase(ctx, c.Number, &models.Case{Name: fmt.Sprintf("name-%d", i)}, models.CaseEvent{}, nil)
			mu.Lock()
			defer mu.Unlock()
			switch models.ErrorCode(err) {
			case "":
				ok++
			case models.ECONFLICT:
			default:
				t.Errorf("SupplementCase: %v", err)
			}
		})
	}
	wg.Wait()
	got, _ := db.FindCaseByNumber(ctx, c.Number)
	events, _ := db.CaseEvents(ctx, c.ID)
	if ok == 0 || got.Version != 1+ok || len(events) != 1+ok {
		t.Fatalf("%d succeeded, version %d, %d events: lost or doubled updates", ok, got.Version, len(events))
	}
	t.Logf("%d of %d concurrent supplements succeeded", ok, n)
}
