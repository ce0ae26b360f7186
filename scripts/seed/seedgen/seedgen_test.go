package seedgen_test

import (
	"context"
	"testing"
	"time"

	"tapline/bot/policy"
	"tapline/models"
	"tapline/models/store/storetest"
	"tapline/scripts/seed/seedgen"
)

func mustPolicy(tb testing.TB) *policy.Policy {
	tb.Helper()
	p, err := policy.Load("../../../configs/policy.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func TestGenerateIsConsistent(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, seedgen.CST)
	opt := seedgen.Options{Month: time.Date(2026, 11, 1, 0, 0, 0, 0, seedgen.CST), Cases: 300, Seed: 7, Now: now}
	res, err := seedgen.Generate(ctx, db, mustPolicy(t), opt)
	if err != nil {
		t.Fatal(err)
	}
	conn := db.Gorm()
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := conn.Raw(q, args...).Scan(&n).Error; err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	if n := count("SELECT COUNT(*) FROM cases"); n != 300 || res.Cases != 300 {
		t.Fatalf("cases = %d (result %d), want 300", n, res.Cases)
	}
	if n := count("SELECT COUNT(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.type = 'created')"); n != 0 {
		t.Errorf("%d cases without a created event", n)
	}
	if n := count("SELECT COUNT(*) FROM warnings w WHERE NOT EXISTS (SELECT 1 FROM deadlines d WHERE d.id = w.deadline_id)"); n != 0 {
		t.Errorf("%d warnings without their deadline", n)
	}
	if n := count("SELECT COUNT(*) FROM approvals a WHERE NOT EXISTS (SELECT 1 FROM measures m WHERE m.id = a.measure_id)"); n != 0 {
		t.Errorf("%d approvals without their measure", n)
	}
	if n := count("SELECT COUNT(*) FROM cases WHERE created_at < ? OR created_at >= ?",
		time.Date(2026, 11, 1, 0, 0, 0, 0, seedgen.CST).UTC(), time.Date(2026, 12, 1, 0, 0, 0, 0, seedgen.CST).UTC()); n != 0 {
		t.Errorf("%d cases outside the month", n)
	}
	if n := count("SELECT COUNT(*) FROM case_events WHERE created_at > ?", now.UTC()); n != 0 {
		t.Errorf("%d events after now", n)
	}
	for what, q := range map[string]string{
		"major":     "SELECT COUNT(*) FROM cases WHERE major = true",
		"warnings":  "SELECT COUNT(*) FROM warnings",
		"overdue":   "SELECT COUNT(*) FROM deadlines WHERE status = 'running'",
		"reopened":  "SELECT COUNT(*) FROM case_events WHERE type = 'reopen'",
		"archived":  "SELECT COUNT(*) FROM cases WHERE status = 'archived'",
		"ratings":   "SELECT COUNT(*) FROM ratings",
		"rejected":  "SELECT COUNT(*) FROM approvals WHERE decision = 'reject'",
		"incidents": "SELECT COUNT(*) FROM incidents",
	} {
		if count(q) == 0 {
			t.Errorf("no %s rows in a seeded month", what)
		}
	}
	if n := count("SELECT COUNT(*) FROM cases WHERE category = ? AND area_key = ?", res.ClusterCategory, res.ClusterArea); n < 8 {
		t.Errorf("cluster has %d cases, want at least 8", n)
	}
	if n := count("SELECT COUNT(*) FROM cases WHERE major_reason = 'group' AND incident_id > 0"); n != 3 {
		t.Errorf("group complaint has %d cases, want 3", n)
	}

	// Same seed, same data: a second store gets the same case rows.
	db2 := storetest.Open(t)
	if _, err := seedgen.Generate(ctx, db2, mustPolicy(t), opt); err != nil {
		t.Fatal(err)
	}
	var a, b []models.Case
	conn.Order("id").Find(&a)
	db2.Gorm().Order("id").Find(&b)
	for i := range a {
		if a[i].Number != b[i].Number || a[i].Status != b[i].Status || a[i].Phone != b[i].Phone {
			t.Fatalf("case %d differs between runs: %+v vs %+v", i, a[i].Number, b[i].Number)
		}
	}
	// Seeding again continues the numbers and IDs.
	res2, err := seedgen.Generate(ctx, db, mustPolicy(t), seedgen.Options{Month: opt.Month, Cases: 10, Seed: 8, Now: now, Cluster: -1})
	if err != nil {
		t.Fatal(err)
	}
	if res2.FirstID != res.LastID+1 {
		t.Errorf("second run starts at %d, want %d", res2.FirstID, res.LastID+1)
	}
}
