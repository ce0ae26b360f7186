// Command seed fills a database with a month of realistic complaint data
// (issue 5) and, with -bench, times the ledger and charts on it:
//
//	go run ./scripts/seed -month 2026-11 -cases 400 [-seed 1] [-mysql DSN | -sqlite PATH]
//	go run ./scripts/seed -month 2026-11 -cases 100000 -sqlite /tmp/t.db -bench [-out ledger.xlsx]
//
// Without -mysql or -sqlite it writes data/tapline.db, the embedded
// default of `go run ./cmd/server`. Clocks still running at the end of the
// seeded time are left where the server's deadline worker would have them
// on the business calendar (-calendar): the steps until then fired, the
// next one ahead, so a server started on the data carries on from there.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"tapline/bot/calendar"
	"tapline/bot/policy"
	"tapline/bot/report"
	"tapline/models"
	"tapline/models/store"
	"tapline/scripts/seed/seedgen"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		msg := err.Error()
		if models.ErrorCode(err) == models.EINVALID {
			msg = models.ErrorMessage(err)
		}
		fmt.Fprintln(os.Stderr, "seed:", msg)
		os.Exit(1)
	}
}

// run parses the flags, seeds, and benchmarks when asked.
func run(ctx context.Context, args []string, out io.Writer) error {
	fl := flag.NewFlagSet("seed", flag.ContinueOnError)
	month := fl.String("month", "", "month to fill, e.g. 2026-11 (default: the current month)")
	cases := fl.Int("cases", 400, "how many cases")
	seed := fl.Uint64("seed", 1, "random seed (same seed, same data)")
	mysqlDSN := fl.String("mysql", "", "MySQL/MariaDB DSN")
	sqlitePath := fl.String("sqlite", "", "SQLite file (default data/tapline.db)")
	policyPath := fl.String("policy", "configs/policy.yaml", "the policy file")
	calendarPath := fl.String("calendar", "configs/calendar.txt", "the business calendar the server runs on")
	bench := fl.Bool("bench", false, "after seeding (0 cases: without seeding), time the ledger and charts of the month")
	profile := fl.String("cpuprofile", "", "with -bench: write a CPU profile of the ledger and charts here")
	save := fl.String("out", "", "with -bench: save the ledger workbook here")
	if err := fl.Parse(args); err != nil {
		return err
	}
	now := time.Now()
	m := report.MonthOf(now)
	if *month != "" {
		var err error
		if m, err = report.ParseMonth(*month, now); err != nil {
			return err
		}
	}
	p, err := policy.Load(*policyPath)
	if err != nil {
		return err
	}
	cal, err := calendar.Load(*calendarPath)
	if err != nil {
		return err
	}
	if *mysqlDSN == "" && *sqlitePath == "" {
		*sqlitePath = "data/tapline.db"
	}
	db, err := store.Open(ctx, store.Config{MySQLDSN: *mysqlDSN, SQLitePath: *sqlitePath,
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))})
	if err != nil {
		return err
	}
	defer func() { _ = db.Close() }()
	if *cases > 0 {
		opt := seedgen.Options{Month: m.Start(), Cases: *cases, Seed: *seed, Now: now, Calendar: cal}
		if err := seedMonth(ctx, db, p, opt, out); err != nil {
			return err
		}
	}
	if *bench {
		return runBench(ctx, report.New(db, p, report.WithPreventions(db)), m, db.Dialect(), *profile, *save, out)
	}
	return nil
}

// seedMonth generates the cases and prints what was written.
func seedMonth(ctx context.Context, db *store.DB, p *policy.Policy, opt seedgen.Options, out io.Writer) error {
	start := time.Now()
	res, err := seedgen.Generate(ctx, db, p, opt)
	if err != nil {
		return err
	}
	m := report.MonthOf(opt.Month)
	fmt.Fprintf(out, "seeded %s on %s in %s: %d cases (IDs %d–%d), %d events, %d deadlines, %d warnings, %d call-backs, %d ratings; recurring cluster: %s at %s\n",
		m, db.Dialect(), time.Since(start).Round(time.Millisecond), res.Cases, res.FirstID, res.LastID, res.Events,
		res.Deadlines, res.Warnings, res.CallBacks, res.Ratings, res.ClusterCategory, res.ClusterArea)
	return nil
}
