// Package seedgen fills a store with a month of realistic complaint data
// for the ledger, the charts and the assessment (issue 5): cases across
// departments and categories with their whole lifecycle (events, measure
// versions, approvals, stage deadlines, warnings against late departments,
// call-backs, ratings), major and urgent ones, reopened ones and a
// recurring cluster at one estate. The same Seed gives the same data.
// Rows go in with bulk inserts, so 100 000 cases take seconds, not hours.
package seedgen

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"tapline/bot/policy"
	"tapline/bot/remind"
	"tapline/models"
	"tapline/models/store"
)

// CST is the zone of months and case-number dates.
var CST = models.CST

// chunk is how many cases are built and written per transaction.
const chunk = 2000

// insertBatch is the rows per INSERT statement.
const insertBatch = 500

// Options select what to generate.
type Options struct {
	// Month is any time in the month to fill (in CST).
	Month time.Time
	// Cases is how many cases to create (at least 1).
	Cases int
	// Seed makes the data reproducible.
	Seed uint64
	// Now is the moment the data is seen at: stages that would end after
	// it are still running. Default time.Now(); it must not be before the
	// month starts.
	Now time.Time
	// Cluster is the recurring cluster's size (same category, same
	// estate); default 8, 0 keeps the default, negative means none.
	Cluster int
	// Calendar is the business calendar the live server counts ordinary
	// stages on (bot/calendar); the clocks still running at Now are left
	// at the step the server would have reached on it. Nil counts wall
	// time, which matches the server for major cases only.
	Calendar remind.Calendar
}

// Result tells what was written.
type Result struct {
	Cases, Events, Deadlines, Warnings, CallBacks, Ratings int
	// FirstID and LastID bound the new cases' IDs.
	FirstID, LastID uint64
	// ClusterCategory and ClusterArea name the recurring cluster.
	ClusterCategory, ClusterArea string
}

// Generate writes opt.Cases cases created in opt.Month into db.
func Generate(ctx context.Context, db *store.DB, p *policy.Policy, opt Options) (*Result, error) {
	g, err := newGen(ctx, db, p, opt)
	if err != nil {
		return nil, err
	}
	times := g.createdTimes(opt.Cases)
	for start := 0; start < len(times); start += chunk {
		b := &bundle{}
		for _, sl := range times[start:min(start+chunk, len(times))] {
			g.buildCase(b, sl)
		}
		if err := g.write(ctx, b); err != nil {
			return nil, err
		}
		g.res.add(b)
	}
	if err := g.saveCounters(ctx); err != nil {
		return nil, err
	}
	g.res.FirstID, g.res.LastID = g.firstCase, g.nextCase-1
	return &g.res, nil
}

// gen is one run's state.
type gen struct {
	p       *policy.Policy
	plan    remind.Plan
	db      *gorm.DB
	rng     *rand.Rand
	opt     Options
	start   time.Time
	end     time.Time
	now     time.Time
	cats    []*policy.Category
	counter map[string]int64
	res     Result

	firstCase, nextCase, nextDeadline, nextMeasure, nextIncident uint64
	cluster                                                      clusterPlan
}

// newGen checks opt and reads where the IDs and case counters stand.
func newGen(ctx context.Context, db *store.DB, p *policy.Policy, opt Options) (*gen, error) {
	if opt.Cases < 1 {
		return nil, errors.New("seed: at least one case")
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	m := opt.Month.In(CST)
	start := time.Date(m.Year(), m.Month(), 1, 0, 0, 0, 0, CST)
	if opt.Now.Before(start) {
		return nil, fmt.Errorf("seed: %s lies in the future", start.Format("2006-01"))
	}
	cal := opt.Calendar
	if cal == nil {
		cal = wallCalendar{}
	}
	g := &gen{p: p, plan: remind.Plan{Policy: p, Calendar: cal}, db: db.Gorm().WithContext(ctx), opt: opt,
		start: start, end: start.AddDate(0, 1, 0),
		now: opt.Now, rng: rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x5eed)), counter: map[string]int64{}}
	for _, c := range p.Categories {
		if c.Key != "" {
			g.cats = append(g.cats, c)
		}
	}
	if err := g.readIDs(); err != nil {
		return nil, err
	}
	g.planCluster()
	return g, nil
}

// readIDs finds the next free IDs and the month's case counters.
func (g *gen) readIDs() error {
	next := func(table string) (uint64, error) {
		var n *uint64
		err := g.db.Table(table).Select("MAX(id)").Scan(&n).Error
		if err != nil || n == nil {
			return 1, err
		}
		return *n + 1, nil
	}
	var err error
	for _, x := range []struct {
		table string
		dst   *uint64
	}{{"cases", &g.nextCase}, {"deadlines", &g.nextDeadline}, {"measures", &g.nextMeasure}, {"incidents", &g.nextIncident}} {
		if *x.dst, err = next(x.table); err != nil {
			return fmt.Errorf("seed: read %s ids: %w", x.table, err)
		}
	}
	g.firstCase = g.nextCase
	var rows []struct {
		Day string
		Seq int64
	}
	err = g.db.Table("case_counters").Where("day >= ? AND day < ?", g.start.Format("20060102"),
		g.end.Format("20060102")).Find(&rows).Error
	for _, r := range rows {
		g.counter[r.Day] = r.Seq
	}
	return err
}

// createdTimes spreads n filing times over the month (before now), more
// of them in working hours, the cluster's among them, in increasing order.
func (g *gen) createdTimes(n int) []slot {
	end := g.end
	if g.now.Before(end) {
		end = g.now
	}
	span := end.Sub(g.start)
	out := g.cluster.clusterSlots(g.start, end)
	for len(out) < n {
		at := g.start.Add(time.Duration(g.rng.Int64N(int64(span))))
		if h := at.Hour(); (h < 8 || h > 19) && g.rng.IntN(3) > 0 { // most night filings move into the day
			if day := at.Add(time.Duration(14-h) * time.Hour); !day.Before(g.start) && day.Before(end) {
				at = day
			}
		}
		out = append(out, slot{at: at.Truncate(time.Millisecond), cluster: -1})
	}
	slices.SortStableFunc(out, func(a, b slot) int { return a.at.Compare(b.at) })
	return out
}

// write inserts one chunk in one transaction.
func (g *gen) write(ctx context.Context, b *bundle) error {
	return g.db.Transaction(func(tx *gorm.DB) error {
		for _, rows := range []any{b.cases, b.events, b.work, b.measures, b.approvals, b.deadlines,
			b.warnings, b.callbacks, b.ratings, b.incidents} {
			if err := insert(tx, rows); err != nil {
				return err
			}
		}
		return nil
	})
}

// insert writes a slice of rows in batches; an empty slice writes nothing.
func insert(tx *gorm.DB, rows any) error {
	n := 0
	switch r := rows.(type) {
	case []models.Case:
		n = len(r)
	case []models.CaseEvent:
		n = len(r)
	case []models.CaseWork:
		n = len(r)
	case []models.Measure:
		n = len(r)
	case []models.Approval:
		n = len(r)
	case []models.Deadline:
		n = len(r)
	case []models.Warning:
		n = len(r)
	case []models.CallBack:
		n = len(r)
	case []models.Rating:
		n = len(r)
	case []models.Incident:
		n = len(r)
	}
	if n == 0 {
		return nil
	}
	if err := tx.CreateInBatches(rows, insertBatch).Error; err != nil {
		return fmt.Errorf("seed: insert %T: %w", rows, err)
	}
	return nil
}

// saveCounters moves the days' case counters past the numbers used, so
// cases filed later get fresh numbers.
func (g *gen) saveCounters(ctx context.Context) error {
	for day, seq := range g.counter {
		err := g.db.Table("case_counters").Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "day"}},
			DoUpdates: clause.Assignments(map[string]any{"seq": seq}),
		}).Create(map[string]any{"day": day, "seq": seq}).Error
		if err != nil {
			return fmt.Errorf("seed: save counter %s: %w", day, err)
		}
	}
	return nil
}

// wallCalendar counts every hour as working time (Options.Calendar nil).
type wallCalendar struct{}

func (wallCalendar) Add(start time.Time, d time.Duration) time.Time { return start.Add(d) }
func (wallCalendar) Between(a, b time.Time) time.Duration           { return max(b.Sub(a), 0) }
func (wallCalendar) DayLength() time.Duration                       { return 24 * time.Hour }
func (wallCalendar) EndOfDay(t time.Time) time.Time {
	y, m, d := t.In(CST).Date()
	return time.Date(y, m, d, 23, 59, 59, 0, CST)
}
