package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"tapline/models"
)

// TestFindCasesViewFilters: the filters of the console's saved views —
// a deadline due in a window, a stage still running, the assignee — and
// their counts.
func TestFindCasesViewFilters(t *testing.T) {
	db, clk := openClocked(t)
	ctx := context.Background()
	var cs []*models.Case
	for i := range 4 {
		nc := newCase(fmt.Sprintf("view-%d", i), 0)
		due := clk.Now().Add(time.Duration(i+1) * time.Hour)
		nc.Deadlines = []models.Deadline{{Stage: models.StageAccept, DueAt: due, NextAt: due}}
		if i == 2 {
			nc.Case.Major = true
			nc.Deadlines = append(nc.Deadlines, models.Deadline{Stage: models.StageMajorAck, Wall: true,
				DueAt: clk.Now().Add(30 * time.Minute), NextAt: clk.Now().Add(30 * time.Minute)})
		}
		cs = append(cs, mustCreate(t, db, nc))
	}
	// Case 0 is accepted by supply.crew: its accept clock stops.
	if _, err := db.Apply(ctx, &models.Transition{CaseID: cs[0].ID, Version: cs[0].Version, ToStatus: models.StatusAccepted,
		Event: models.CaseEvent{Type: "accept", Actor: "supply.crew"}, Work: &models.CaseWork{Assignee: "supply.crew"},
		StopStages: []string{models.StageAccept}}); err != nil {
		t.Fatal(err)
	}
	from, to := t0.Add(90*time.Minute), t0.Add(3*time.Hour+30*time.Minute)
	tests := []struct {
		name string
		f    models.CaseFilter
		want []int
	}{
		{"due window", models.CaseFilter{DueFrom: &from, DueTo: &to}, []int{2, 1}},         // case 0's clock is done
		{"due from", models.CaseFilter{DueFrom: &from}, []int{3, 2, 1}},                    // 2, 3, 4 h
		{"due to", models.CaseFilter{DueTo: &from}, []int{2}},                              // its 30-minute major clock
		{"running stage", models.CaseFilter{RunningStage: models.StageMajorAck}, []int{2}}, // 重大未阅
		{"assignee", models.CaseFilter{Assignee: "supply.crew"}, []int{0}},
		{"assignee nobody", models.CaseFilter{Assignee: "quality.crew"}, nil},
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
			n, err := db.CountCases(ctx, tc.f, "major")
			if err != nil || n["true"]+n["false"] != len(tc.want) {
				t.Fatalf("count %v %v, want %d", n, err, len(tc.want))
			}
		})
	}
}
