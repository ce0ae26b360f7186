package store_test

import (
	"context"
	"os"
	"testing"

	"tapline/models"
	"tapline/models/store"
)

// BenchmarkSearchSeeded times the console's search (a first page of 30,
// with its total) on a seeded database: TAPLINE_BENCH_SQLITE names a
// SQLite file, TAPLINE_BENCH_MYSQL a DSN (go run ./scripts/seed fills
// either). Without them it skips.
func BenchmarkSearchSeeded(b *testing.B) {
	cfg := store.Config{SQLitePath: os.Getenv("TAPLINE_BENCH_SQLITE"), MySQLDSN: os.Getenv("TAPLINE_BENCH_MYSQL")}
	if cfg.SQLitePath == "" && cfg.MySQLDSN == "" {
		b.Skip("set TAPLINE_BENCH_SQLITE or TAPLINE_BENCH_MYSQL to a seeded database")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{"阳光花园", "水压", "1380", "138 0013", "没有这样的投诉内容", "TS2026"} {
		b.Run(q, func(b *testing.B) {
			for b.Loop() {
				if _, _, err := db.FindCases(ctx, models.CaseFilter{Query: q, Limit: 30}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
