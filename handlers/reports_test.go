package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"

	"tapline/bot/auth"
	"tapline/bot/policy"
	"tapline/bot/report"
	"tapline/models"
	"tapline/models/store"
	"tapline/models/store/storetest"
	"tapline/scripts/seed/seedgen"
)

// reportClock is the reports' fixed now.
type reportClock struct{}

func (reportClock) Now() time.Time { return time.Date(2026, 12, 3, 10, 0, 0, 0, report.CST) }

// reportEngine mounts the report routes on a seeded November 2026; the
// X-Test-Staff header says who calls ("admin" or a roster ID).
func reportEngine(t *testing.T, withService bool) *gin.Engine {
	t.Helper()
	r, _ := reportEngineDB(t, withService)
	return r
}

// reportEngineDB is reportEngine and its store.
func reportEngineDB(t *testing.T, withService bool) (*gin.Engine, *store.DB) {
	t.Helper()
	p, err := policy.Load("../configs/policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	db := storetest.Open(t)
	_, err = seedgen.Generate(context.Background(), db, p, seedgen.Options{
		Month: time.Date(2026, 11, 1, 0, 0, 0, 0, report.CST), Cases: 60, Seed: 3, Now: reportClock{}.Now()})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	desk := &auth.Desk{Policy: p, Guard: auth.NewGuard(p, db, db, db, log)}
	s := &Server{Deps: Deps{Logger: log, Clock: reportClock{}, Desk: desk}, log: log}
	var svc *report.Service
	if withService {
		svc = report.New(db, p, report.WithClock(reportClock{}))
	}
	gin.SetMode(gin.TestMode)
	r := gin.New()
	g := r.Group("/api/v1", func(c *gin.Context) {
		id := c.GetHeader("X-Test-Staff")
		if id == "admin" {
			c.Set(principalKey, auth.Admin())
		} else if st := p.Staff(id); st != nil {
			c.Set(principalKey, auth.Principal{StaffID: st.ID, Name: st.Name, Role: st.Role, Department: st.Department})
		}
		c.Next()
	})
	s.registerReportRoutes(g, svc)
	return r, db
}

func reportGet(r *gin.Engine, staff, path string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("X-Test-Staff", staff)
	r.ServeHTTP(w, req)
	return w
}

func TestReportRoutes(t *testing.T) {
	r := reportEngine(t, true)
	for _, tc := range []struct {
		staff, path string
		status      int
		contains    string
	}{
		{"admin", "/api/v1/reports/ledger?month=2026-11&contacts=true", 200, ""},
		{"gm", "/api/v1/reports/ledger?month=2026-11", 200, ""},
		{"hotline.crew", "/api/v1/reports/ledger?month=2026-11&contacts=true", 200, ""},
		{"leader.a", "/api/v1/reports/ledger?month=2026-11&contacts=true", 403, "居民联系方式"},
		{"construction.crew", "/api/v1/reports/ledger?month=2026-11", 403, "台账和统计"},
		{"gm", "/api/v1/reports/ledger?month=2026-13", 400, "1 到 12"},
		{"gm", "/api/v1/reports/ledger?month=2027-01", 400, "还没有到"},
		{"gm", "/api/v1/reports/ledger?month=2026-11&contacts=maybe", 400, "contacts"},
		{"gm", "/api/v1/reports/charts/category?month=2026-11", 200, ""},
		{"gm", "/api/v1/reports/charts/pie?month=2026-11", 400, "没有名为"},
		{"leader.b", "/api/v1/reports/scorecard?month=2026-11", 200, `"department":"hotline"`},
		{"gm", "/api/v1/reports/scorecard", 200, `"month":"2026-11"`}, // default: the previous month
	} {
		w := reportGet(r, tc.staff, tc.path)
		if w.Code != tc.status || !strings.Contains(w.Body.String(), tc.contains) {
			t.Errorf("%s %s: %d %.200s; want %d containing %q", tc.staff, tc.path, w.Code, w.Body.String(), tc.status, tc.contains)
		}
	}
}

func TestReportBodies(t *testing.T) {
	r := reportEngine(t, true)
	w := reportGet(r, "gm", "/api/v1/reports/ledger?month=2026-11")
	if ct := w.Header().Get("Content-Type"); ct != xlsxType || !strings.Contains(w.Header().Get("Content-Disposition"), "ledger-2026-11.xlsx") {
		t.Errorf("ledger headers: %q, %q", ct, w.Header().Get("Content-Disposition"))
	}
	f, err := excelize.OpenReader(bytes.NewReader(w.Body.Bytes()))
	if err != nil {
		t.Fatalf("ledger is not a workbook: %v", err)
	}
	rows, _ := f.GetRows(report.SheetLedger)
	if len(rows) != 62 {
		t.Errorf("ledger has %d rows, want title, header and 60 cases", len(rows))
	}
	_ = f.Close()
	w = reportGet(r, "gm", "/api/v1/reports/charts/trend?month=2026-11")
	if _, err := png.Decode(bytes.NewReader(w.Body.Bytes())); err != nil || w.Header().Get("Content-Type") != "image/png" {
		t.Errorf("chart: %v, %q", err, w.Header().Get("Content-Type"))
	}
	w = reportGet(r, "gm", "/api/v1/reports/scorecard?month=2026-11")
	var body struct {
		Month       string
		Departments []report.DeptScore
	}
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, d := range body.Departments {
		total += d.Cases
	}
	if total != 60 || len(body.Departments) != 8 {
		t.Errorf("scorecard: %d cases over %d departments, want 60 over 8", total, len(body.Departments))
	}
}

func TestReportRoutesWithoutService(t *testing.T) {
	r := reportEngine(t, false)
	if w := reportGet(r, "gm", "/api/v1/reports/scorecard?month=2026-11"); w.Code != http.StatusServiceUnavailable {
		t.Errorf("no service: %d, want 503", w.Code)
	}
}

// TestLedgerWithContactsRecordsReads: a ledger with residents' contacts
// records one full read per case, naming the reader and the month, before
// it is sent; the masked ledger records none.
func TestLedgerWithContactsRecordsReads(t *testing.T) {
	r, db := reportEngineDB(t, true)
	var first models.Case
	if err := db.Gorm().Order("id").First(&first).Error; err != nil {
		t.Fatal(err)
	}
	reads := func() []*models.PersonalDataRead {
		t.Helper()
		rs, err := db.CaseReads(context.Background(), first.ID)
		if err != nil {
			t.Fatal(err)
		}
		return rs
	}
	if w := reportGet(r, "gm", "/api/v1/reports/ledger?month=2026-11"); w.Code != 200 || len(reads()) != 0 {
		t.Fatalf("masked ledger: %d, %d reads recorded, want 200 and none", w.Code, len(reads()))
	}
	if w := reportGet(r, "hotline.crew", "/api/v1/reports/ledger?month=2026-11&contacts=true"); w.Code != 200 {
		t.Fatalf("ledger with contacts: %d %.200s", w.Code, w.Body.String())
	}
	rs := reads()
	if len(rs) != 1 || rs[0].Reader != "hotline.crew" || rs[0].Purpose != "ledger 2026-11" || rs[0].Channel != auth.ChannelAPI {
		t.Fatalf("reads of %s after the export: %+v", first.Number, rs)
	}
	var total int64
	if err := db.Gorm().Model(&models.PersonalDataRead{}).Where("purpose = ?", "ledger 2026-11").Count(&total).Error; err != nil {
		t.Fatal(err)
	}
	if total != 60 {
		t.Errorf("%d reads recorded for the export, want one per case (60)", total)
	}
}
