package store_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"tapline/models"
	"tapline/models/store"
	"tapline/models/store/storetest"
)

func TestCaseNumberPerDay(t *testing.T) {
	utc := time.UTC
	tests := []struct {
		name string
		loc  *time.Location // nil: the default UTC+8
		at   []time.Time
		want []string
	}{
		{"resets at CST midnight", nil,
			[]time.Time{
				time.Date(2026, 11, 27, 15, 59, 59, 999e6, utc), // 23:59:59.999 CST
				time.Date(2026, 11, 27, 15, 59, 59, 999e6, utc),
				time.Date(2026, 11, 27, 16, 0, 0, 0, utc), // 00:00 CST on the 28th
				time.Date(2026, 11, 28, 1, 0, 0, 0, utc),
			},
			[]string{"TS20261127-0001", "TS20261127-0002", "TS20261128-0001", "TS20261128-0002"}},
		{"configured zone", utc,
			[]time.Time{time.Date(2026, 11, 27, 16, 0, 0, 0, utc), time.Date(2026, 11, 28, 0, 0, 0, 0, utc)},
			[]string{"TS20261127-0001", "TS20261128-0001"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newClock(tt.at[0])
			db := storetest.OpenConfig(t, store.Config{Now: clk.Now, Location: tt.loc})
			for i, at := range tt.at {
				clk.Set(at)
				c := mustCreate(t, db, newCase(fmt.Sprintf("day-%d", i), 0))
				if c.Number != tt.want[i] {
					t.Fatalf("case %d number = %s, want %s", i, c.Number, tt.want[i])
				}
			}
		})
	}
}

func TestCreateCaseWritesAll(t *testing.T) {
	db, _ := openClocked(t)
	ctx := context.Background()
	nc := newCase("all-1", 2)
	nc.Outbox[1].NextAt = t0.Add(time.Hour)
	c := mustCreate(t, db, nc)
	if !regexp.MustCompile(`^TS\d{8}-\d{4,}$`).MatchString(c.Number) || c.ID == 0 || c.Version != 1 {
		t.Fatalf("case = %+v", c)
	}
	if !c.CreatedAt.Equal(t0.Truncate(time.Millisecond)) {
		t.Fatalf("CreatedAt = %v, want %v", c.CreatedAt, t0.Truncate(time.Millisecond))
	}
	got, err := db.FindCaseByNumber(ctx, c.Number)
	if err != nil || got.ID != c.ID || got.Status != models.StatusAssigned || !got.CreatedAt.Equal(c.CreatedAt) {
		t.Fatalf("FindCaseByNumber = %+v, %v", got, err)
	}
	events, err := db.CaseEvents(ctx, c.ID)
	if err != nil || len(events) != 1 || events[0].CaseID != c.ID || events[0].Type != "created" ||
		events[0].ToStatus != models.StatusAssigned {
		t.Fatalf("CaseEvents = %+v, %v", events, err)
	}
	rows, total, err := db.ListOutbox(ctx, models.OutboxFilter{CaseID: c.ID})
	if err != nil || total != 2 || len(rows) != 2 {
		t.Fatalf("ListOutbox = %d rows, total %d, %v", len(rows), total, err)
	}
	for _, o := range rows {
		if o.CaseID != c.ID || o.Status != models.OutboxPending || o.NextAt.IsZero() {
			t.Fatalf("outbox row = %+v", o)
		}
	}
	if nc.Outbox[0].ID == 0 || nc.Event.ID == 0 || nc.Case.ID != c.ID {
		t.Fatalf("NewCase not updated with stored IDs: %+v", nc)
	}
	due, err := db.DueOutbox(ctx, t0, 10)
	if err != nil || !slices.Equal(due, []uint64{nc.Outbox[0].ID}) {
		t.Fatalf("DueOutbox = %v, %v; want only the row due now", due, err)
	}
}

func TestCreateCaseConcurrentNumbers(t *testing.T) {
	db, _ := openClocked(t)
	const n = 40
	numbers := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			c, _, err := db.CreateCase(context.Background(), newCase(fmt.Sprintf("conc-%d", i), 1))
			errs[i] = err
			if err == nil {
				numbers[i] = c.Number
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("goroutine %d: %v", i, err)
		}
	}
	slices.Sort(numbers)
	for i, got := range numbers {
		if want := fmt.Sprintf("TS20261127-%04d", i+1); got != want {
			t.Fatalf("numbers not contiguous: sorted[%d] = %s, want %s (all: %v)", i, got, want, numbers)
		}
	}
}

func TestCreateCaseIdempotent(t *testing.T) {
	db, _ := openClocked(t)
	ctx := context.Background()
	first := mustCreate(t, db, newCase("idem-1", 2))
	again, created, err := db.CreateCase(ctx, newCase("idem-1", 2))
	if err != nil || created || again.ID != first.ID || again.Number != first.Number {
		t.Fatalf("second CreateCase = %+v, created %v, %v", again, created, err)
	}
	assertFiledOnce(t, db, first, 2)
	next := mustCreate(t, db, newCase("idem-2", 0))
	if next.Number != "TS20261127-0002" {
		t.Fatalf("next number = %s, want TS20261127-0002", next.Number)
	}
}

func TestCreateCaseIdempotentConcurrent(t *testing.T) {
	db, _ := openClocked(t)
	const n = 12
	var wg sync.WaitGroup
	var mu sync.Mutex
	created, numbers := 0, map[string]bool{}
	for range n {
		wg.Go(func() {
			c, ok, err := db.CreateCase(context.Background(), newCase("race-1", 3))
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Errorf("CreateCase: %v", err)
				return
			}
			numbers[c.Number] = true
			if ok {
				created++
			}
		})
	}
	wg.Wait()
	if created != 1 || len(numbers) != 1 {
		t.Fatalf("created %d times with numbers %v; want exactly one case", created, numbers)
	}
	var number string
	for n := range numbers {
		number = n // the losers of the race may have burnt other numbers
	}
	c, err := db.FindCaseByNumber(context.Background(), number)
	if err != nil {
		t.Fatalf("the case %s: %v", number, err)
	}
	assertFiledOnce(t, db, c, 3)
}

// assertFiledOnce checks that exactly one case, one event and want outbox
// rows exist.
func assertFiledOnce(t *testing.T, db *store.DB, c *models.Case, want int) {
	t.Helper()
	ctx := context.Background()
	if _, total, err := db.FindCases(ctx, models.CaseFilter{}); err != nil || total != 1 {
		t.Fatalf("cases total = %d, %v; want 1", total, err)
	}
	if ev, err := db.CaseEvents(ctx, c.ID); err != nil || len(ev) != 1 {
		t.Fatalf("events = %d, %v; want 1", len(ev), err)
	}
	if _, total, err := db.ListOutbox(ctx, models.OutboxFilter{}); err != nil || total != want {
		t.Fatalf("outbox total = %d, %v; want %d", total, err, want)
	}
}

func TestTextStoredVerbatim(t *testing.T) {
	db, _ := openClocked(t)
	ctx := context.Background()
	unit := "水管爆了💧🚰 '; DROP TABLE cases; -- <script>alert(\"x\")</script> \\ %_ \t\r\n"
	long := []rune(strings.Repeat(unit, 5000/len([]rune(unit))+1))[:5000]
	nc := newCase("verbatim-1", 1)
	nc.Case.Details, nc.Case.Expectation = string(long), unit
	nc.Case.Name, nc.Case.Address = "王😀五", "<b>Rue</b> 'O''Brien' \"8\""
	nc.Event.Text = string(long)
	nc.Outbox[0].Payload = `{"text":"` + unit + `"}`
	c := mustCreate(t, db, nc)
	got, err := db.FindCaseByNumber(ctx, c.Number)
	if err != nil {
		t.Fatal(err)
	}
	if got.Details != string(long) || got.Expectation != unit || got.Name != nc.Case.Name || got.Address != nc.Case.Address {
		t.Fatalf("text changed on the way: details %d runes, name %q, address %q",
			len([]rune(got.Details)), got.Name, got.Address)
	}
	ev, _ := db.CaseEvents(ctx, c.ID)
	o, _ := db.FindOutbox(ctx, nc.Outbox[0].ID)
	if len(ev) != 1 || ev[0].Text != string(long) || o == nil || o.Payload != nc.Outbox[0].Payload {
		t.Fatal("event text or outbox payload changed on the way")
	}
}

func TestNotFound(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	_, err := db.FindCaseByNumber(ctx, "TS20991231-9999")
	wantCode(t, err, models.ENOTFOUND)
	_, err = db.SupplementCase(ctx, "TS20991231-9999", &models.Case{Name: "x"}, models.CaseEvent{}, nil)
	wantCode(t, err, models.ENOTFOUND)
	_, err = db.FindOutbox(ctx, 987654)
	wantCode(t, err, models.ENOTFOUND)
	_, err = db.ClaimOutbox(ctx, 987654, time.Now(), time.Minute)
	wantCode(t, err, models.ENOTFOUND)
	wantCode(t, db.RescheduleOutbox(ctx, 987654, time.Now()), models.ENOTFOUND)
	wantCode(t, db.RecordAttempt(ctx, &models.DeliveryAttempt{OutboxID: 987654}, nil), models.ENOTFOUND)
	_, err = db.FindResident(ctx, "nobody")
	wantCode(t, err, models.ENOTFOUND)
	ev, err := db.CaseEvents(ctx, 987654)
	if err != nil || len(ev) != 0 {
		t.Fatalf("CaseEvents of unknown case = %v, %v; want empty", ev, err)
	}
}

func TestInvalidInput(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	_, _, err := db.CreateCase(ctx, newCase("", 0))
	wantCode(t, err, models.EINVALID)
	_, err = db.SupplementCase(ctx, "TS20261127-0001", nil, models.CaseEvent{}, nil)
	wantCode(t, err, models.EINVALID)
	wantCode(t, db.SaveResident(ctx, &models.Resident{}), models.EINVALID)
}
