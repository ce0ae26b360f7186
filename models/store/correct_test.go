package store_test

import (
	"context"
	"sync"
	"testing"

	"tapline/models"
)

// TestCorrectCase: a correction sets the field, bumps the Version and
// writes the correct event with the old and the new value; a correction
// decided on an old Version is refused (ECONFLICT, EPRECONDITION under an
// expected version) and writes nothing.
func TestCorrectCase(t *testing.T) {
	db, _ := openClocked(t)
	ctx := context.Background()
	c := mustCreate(t, db, newCase("correct", 0))
	who := models.CaseEvent{Actor: "hotline.crew", Role: "crew", Channel: "console"}
	describe := func(fix models.Correction) string { return "更正" + fix.Field + "：" + models.MaskPhone(fix.Old) }
	got, fix, err := db.CorrectCase(ctx, &models.CaseCorrection{CaseID: c.ID, Version: c.Version,
		Field: models.CorrectPhone, Value: "13956785678", Event: who, Describe: describe})
	if err != nil {
		t.Fatal(err)
	}
	if got.Phone != "13956785678" || got.Version != c.Version+1 || got.Name != c.Name {
		t.Fatalf("case after correction: %+v", got)
	}
	if fix.Field != "phone" || fix.Old != "13800001234" || fix.New != "13956785678" || fix.Actor != "hotline.crew" || fix.EventID == 0 {
		t.Fatalf("correction %+v", fix)
	}
	evs, err := db.CaseEvents(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := evs[len(evs)-1]
	if last.ID != fix.EventID || last.Type != models.EventCorrect || last.Text != "更正phone：138****1234" ||
		last.Actor != "hotline.crew" || last.FromStatus != c.Status || last.ToStatus != c.Status {
		t.Fatalf("event %+v", last)
	}
	kept, err := db.CaseCorrections(ctx, c.ID)
	if err != nil || len(kept) != 1 || *kept[0] != *fix {
		t.Fatalf("kept %+v %v, want %+v", kept, err, fix)
	}

	// Decided on the version before: refused, nothing written.
	_, _, err = db.CorrectCase(ctx, &models.CaseCorrection{CaseID: c.ID, Version: c.Version,
		Field: models.CorrectName, Value: "李四", Event: who})
	wantCode(t, err, models.ECONFLICT)
	_, _, err = db.CorrectCase(models.WithExpectedVersion(ctx, c.ID, c.Version), &models.CaseCorrection{CaseID: c.ID,
		Version: got.Version, Field: models.CorrectName, Value: "李四", Event: who})
	wantCode(t, err, models.EPRECONDITION)
	if again, _ := db.FindCaseByID(ctx, c.ID); again.Name != c.Name || again.Version != got.Version {
		t.Fatalf("a refused correction wrote: %+v", again)
	}
	evs2, _ := db.CaseEvents(ctx, c.ID)
	if kept, _ := db.CaseCorrections(ctx, c.ID); len(evs2) != len(evs) || len(kept) != 1 {
		t.Fatalf("a refused correction wrote: events %d → %d, corrections %d", len(evs), len(evs2), len(kept))
	}

	_, _, err = db.CorrectCase(ctx, &models.CaseCorrection{CaseID: c.ID, Version: got.Version,
		Field: models.CorrectPhone, Value: "13956785678", Event: who})
	wantCode(t, err, models.EINVALID) // unchanged
	_, _, err = db.CorrectCase(ctx, &models.CaseCorrection{CaseID: c.ID, Version: got.Version,
		Field: "status", Value: "closed", Event: who})
	wantCode(t, err, models.EINVALID)
	_, _, err = db.CorrectCase(ctx, &models.CaseCorrection{CaseID: c.ID + 99, Version: 1,
		Field: models.CorrectName, Value: "李四", Event: who})
	wantCode(t, err, models.ENOTFOUND)

	got, _, err = db.CorrectCase(ctx, &models.CaseCorrection{CaseID: c.ID, Version: got.Version,
		Field: models.CorrectAddress, Value: "光明路8号2栋", AreaKey: "光明路8号", Event: who})
	if err != nil || got.Address != "光明路8号2栋" || got.AreaKey != "光明路8号" {
		t.Fatalf("address: %+v %v", got, err)
	}
	if evs, _ = db.CaseEvents(ctx, c.ID); evs[len(evs)-1].Text != "更正记录" { // no Describe
		t.Fatalf("default text %q", evs[len(evs)-1].Text)
	}
}

// TestCorrectCaseConcurrentOneWins: two corrections decided on the same
// Version: exactly one is written.
func TestCorrectCaseConcurrentOneWins(t *testing.T) {
	db, _ := openClocked(t)
	ctx := context.Background()
	c := mustCreate(t, db, newCase("correct-race", 0))
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, name := range []string{"李四", "王五"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, errs[i] = db.CorrectCase(ctx, &models.CaseCorrection{CaseID: c.ID, Version: c.Version,
				Field: models.CorrectName, Value: name, Event: models.CaseEvent{Actor: "hotline.crew"}})
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else if models.ErrorCode(err) != models.ECONFLICT {
			t.Fatalf("loser: %v", err)
		}
	}
	evs, _ := db.CaseEvents(ctx, c.ID)
	kept, _ := db.CaseCorrections(ctx, c.ID)
	if ok != 1 || len(evs) != 2 || len(kept) != 1 {
		t.Fatalf("%d corrections written, %d events, %d rows", ok, len(evs), len(kept))
	}
}
