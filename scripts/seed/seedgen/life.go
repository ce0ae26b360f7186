package seedgen

import (
	"fmt"
	"time"

	"tapline/models"
)

// lateOdds is how often a department misses a stage's deadline: the
// scorecard of policy 6 should tell them apart.
var lateOdds = map[string]float64{"construction": 0.25, "supply": 0.18, "quality": 0.12, "business": 0.10,
	"office": 0.10, "hotline": 0.08, "general": 0.07, "finance": 0.04}

// sources and their weights (policy 3.1, 3.2).
var sources = []struct {
	key    string
	weight int
}{{models.SourceWeChat, 55}, {models.SourcePhone, 25}, {models.SourceVisit, 5}, {models.SourceLetter, 3},
	{models.SourceGov, 7}, {models.SourceMedia, 5}}

// life is one case being played through its lifecycle.
type life struct {
	g    *gen
	b    *bundle
	c    *models.Case
	work models.CaseWork
	t    time.Time // where the case's clock stands
}

// buildCase files one case and plays it as far as now allows.
func (g *gen) buildCase(b *bundle, sl slot) {
	c := g.newCase(sl)
	l := &life{g: g, b: b, c: c, work: models.CaseWork{CaseID: c.ID}, t: c.CreatedAt}
	l.event("created", "hotline.crew", "hotline", "", models.StatusAssigned, "登记投诉")
	if c.Major {
		l.majorClocks()
	}
	l.play()
	if sl.cluster == 0 {
		b.incidents = append(b.incidents, models.Incident{ID: c.IncidentID, Category: c.Category, AreaKey: c.AreaKey,
			LeadCaseID: c.ID, Households: min(3, g.cluster.size), FirstAt: c.CreatedAt,
			LastAt: c.CreatedAt.Add(40 * time.Minute), CreatedAt: c.CreatedAt.Add(40 * time.Minute)})
	}
	b.cases = append(b.cases, *c)
	l.work.UpdatedAt = l.t
	b.work = append(b.work, l.work)
}

// newCase draws the case row: category, department, source, place, person.
func (g *gen) newCase(sl slot) *models.Case {
	cat := g.cats[g.rng.IntN(len(g.cats))]
	area := estates[g.rng.IntN(len(estates))]
	if sl.cluster >= 0 {
		cat, area = g.p.Category(g.cluster.category), g.cluster.area
	}
	id := g.nextCase
	g.nextCase++
	day := sl.at.In(CST).Format("20060102")
	g.counter[day]++
	c := &models.Case{ID: id, Number: fmt.Sprintf("TS%s-%04d", day, g.counter[day]),
		DraftKey: fmt.Sprintf("seed:%d:%d", g.opt.Seed, id), Status: models.StatusAssigned,
		Source: g.source(), Category: cat.Key, Department: cat.Department, AreaKey: area,
		Name: g.name(), Phone: g.phone(), Details: g.detail(cat.Key), Expectation: "尽快处理并给个说法",
		Address:     fmt.Sprintf("%s%d栋%d单元%d室", area, 1+g.rng.IntN(30), 1+g.rng.IntN(4), 101+g.rng.IntN(18)*100+g.rng.IntN(4)),
		Attachments: "[]", Version: 1, CreatedAt: sl.at.UTC(), UpdatedAt: sl.at.UTC()}
	if c.Source == models.SourceWeChat {
		c.ResidentID = fmt.Sprintf("seed-openid-%d", id)
	}
	if c.Source == models.SourceGov {
		c.ExternalRef = fmt.Sprintf("12345-%d", 100000+id)
	}
	g.flagMajor(c, sl)
	return c
}

// source draws a channel by weight.
func (g *gen) source() string {
	n := g.rng.IntN(100)
	for _, s := range sources {
		if n < s.weight {
			return s.key
		}
		n -= s.weight
	}
	return models.SourceWeChat
}

// flagMajor applies policy 4.1.3: referrals and media are major, some
// cases concern safety or compensation, the cluster's first three are a
// group complaint.
func (g *gen) flagMajor(c *models.Case, sl slot) {
	switch {
	case sl.cluster >= 0 && sl.cluster < 3:
		c.Major, c.MajorReason = true, "group"
		if sl.cluster == 0 {
			g.cluster.incident = g.nextIncident
			g.nextIncident++
		}
		c.IncidentID = g.cluster.incident
	case c.Source == models.SourceGov:
		c.Major, c.MajorReason = true, "government"
	case c.Source == models.SourceMedia:
		c.Major, c.MajorReason = true, "media"
	case g.rng.IntN(100) < 3:
		c.Major, c.MajorReason, c.Urgent = true, "safety", g.rng.IntN(2) == 0
	case g.rng.IntN(100) < 2:
		c.Major, c.MajorReason = true, "compensation"
	}
}

// event appends an event and moves the case to status `to` ("" keeps it).
func (l *life) event(typ, actor, role, channel, to, text string) {
	from := l.c.Status
	if to == "" {
		to = from
	}
	l.c.Status, l.c.UpdatedAt = to, l.t.UTC()
	l.b.events = append(l.b.events, models.CaseEvent{CaseID: l.c.ID, Type: typ, Actor: actor, Role: role,
		Channel: channel, FromStatus: from, ToStatus: to, Text: text, CreatedAt: l.t.UTC()})
}

// allowed is a stage's time allowed on the wall clock.
func (l *life) allowed(stage string) time.Duration {
	span, _ := l.g.p.Allowed(stage, l.c.Category, l.c.Major)
	switch {
	case span.SameDay:
		return 8 * time.Hour
	case span.Days > 0:
		return time.Duration(span.Days) * 24 * time.Hour
	case span.Duration > 0:
		return span.Duration
	}
	return 24 * time.Hour
}

// stage runs one stage's clock from l.t: it ends on time or late (by the
// department's odds), or is still running at now. It returns whether the
// stage ended, and moves l.t to its end.
func (l *life) stage(stage, responsible string) bool {
	g, allowed := l.g, l.allowed(stage)
	d := models.Deadline{ID: g.nextDeadline, CaseID: l.c.ID, Stage: stage, Status: models.DeadlineDone,
		Wall: l.c.Major, StartedAt: l.t.UTC(), DueAt: l.t.Add(allowed).UTC(), CreatedAt: l.t.UTC()}
	g.nextDeadline++
	took := time.Duration(float64(allowed) * (0.05 + 0.85*g.rng.Float64()))
	if g.rng.Float64() < lateOdds[l.c.Department] {
		took = time.Duration(float64(allowed) * (1.1 + 2*g.rng.Float64()))
	}
	end := l.t.Add(took).Truncate(time.Millisecond)
	ended := !end.After(g.now)
	if ended {
		done := end.UTC()
		d.DoneAt, d.Step, d.NextAt, d.UpdatedAt = &done, 2, done, done
	} else {
		g.running(&d)
	}
	if late := ended && end.After(d.DueAt) || !ended && g.now.After(d.DueAt); late {
		l.warn(&d, responsible)
	}
	l.b.deadlines = append(l.b.deadlines, d)
	if ended {
		l.t = end
	}
	return ended
}

// warn records a late stage against the department and the person
// responsible, at the moment it fell due (policy 6.1, 6.2).
func (l *life) warn(d *models.Deadline, responsible string) {
	if !d.DueAt.Before(l.g.now) {
		return
	}
	d.Level = max(d.Level, 1)
	l.b.warnings = append(l.b.warnings, models.Warning{CaseID: l.c.ID, DeadlineID: d.ID, Stage: d.Stage,
		Department: l.c.Department, Responsible: responsible, DueAt: d.DueAt, CreatedAt: d.DueAt})
}

// running leaves a clock still running at now as the live server's
// deadline worker would have: the steps due before now fired (its
// reminders, the warning, the escalations: Step past them, Level the
// highest reached), NextAt the first step after now. A server started on
// the seeded data then fires each clock at its next step, once.
func (g *gen) running(d *models.Deadline) {
	d.Status, d.UpdatedAt = models.DeadlineRunning, d.StartedAt
	first, _, _ := g.plan.Step(d, 0)
	if first.After(g.now) {
		d.Step, d.NextAt = 0, first
		return
	}
	last := g.plan.Latest(d, 0, g.now)
	at, _, level := g.plan.Step(d, last)
	d.NextAt, _, _ = g.plan.Step(d, last+1)
	d.Step, d.Level, d.UpdatedAt = last+1, level, at.UTC()
	d.NextAt = d.NextAt.UTC().Truncate(time.Millisecond)
}

// pause moves the clock by a random share of d (time nobody is measured on).
func (l *life) pause(d time.Duration) bool {
	l.t = l.t.Add(time.Duration(float64(d) * l.g.rng.Float64())).Truncate(time.Millisecond)
	return !l.t.After(l.g.now)
}
