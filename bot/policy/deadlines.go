package policy

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"tapline/models"
)

// Stages are the deadline stages every policy file defines (PRODUCT D1).
var Stages = []string{models.StageAccept, models.StageMeasures, models.StageApprove, models.StageResolve,
	models.StageFeedback, models.StageCallback, models.StageMajorAck, models.StageAuthority}

// Deadlines are the time limits of the stages of a case (PRODUCT D1–D3,
// policy 4.1.3, 4.3.3, 6.1).
type Deadlines struct {
	RemindAt      []float64                  `yaml:"remind_at"`      // reminders at these fractions of the time allowed
	EscalateEvery Span                       `yaml:"escalate_every"` // pause between escalation steps once late
	DigestWindow  Span                       `yaml:"digest_window"`  // reminders to one group within it go as one message
	Stages        map[string]*StageRule      `yaml:"stages"`
	Categories    map[string]map[string]Span `yaml:"categories"` // category → stage → ordinary time allowed
}

// StageRule is the time allowed for one stage, for ordinary and major
// cases. Ordinary cases count business time, major ones wall time.
type StageRule struct {
	Ordinary      Span      `yaml:"ordinary"`
	Major         Span      `yaml:"major"`
	RemindAt      []float64 `yaml:"remind_at,omitempty"`      // overrides Deadlines.RemindAt
	EscalateEvery Span      `yaml:"escalate_every,omitempty"` // overrides Deadlines.EscalateEvery
}

// Span is a time allowed: a Go duration ("30m", "4h"), whole days ("2d":
// working days on the business clock, 24 h on the wall clock), or
// "same_day" (by the end of the working day, policy 4.3.3).
type Span struct {
	Duration time.Duration
	Days     int
	SameDay  bool
}

// IsZero reports an unset span.
func (s Span) IsZero() bool { return s.Duration == 0 && s.Days == 0 && !s.SameDay }

// String is the span as written.
func (s Span) String() string {
	switch {
	case s.SameDay:
		return "same_day"
	case s.Days > 0:
		return strconv.Itoa(s.Days) + "d"
	}
	return s.Duration.String()
}

// UnmarshalYAML parses a span.
func (s *Span) UnmarshalYAML(n *yaml.Node) error {
	v := strings.TrimSpace(n.Value)
	switch {
	case v == "same_day":
		*s = Span{SameDay: true}
	case strings.HasSuffix(v, "d"):
		d, err := strconv.Atoi(strings.TrimSuffix(v, "d"))
		if err != nil || d <= 0 {
			return fmt.Errorf("line %d: %q is not a number of days like 2d", n.Line, v)
		}
		*s = Span{Days: d}
	default:
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return fmt.Errorf("line %d: %q is not a duration like 30m, 4h, 2d or same_day", n.Line, v)
		}
		*s = Span{Duration: d}
	}
	return nil
}

// Clustering detects group complaints (PRODUCT A7, policy 4.1.3 群体性):
// Households or more households complaining of one category in one estate
// or street within Window make one incident, flagged major.
type Clustering struct {
	Households int  `yaml:"households"`
	Window     Span `yaml:"window"`
}

// PreventionRule finds recurring complaints (policy 4.4.2): AreaCases or
// more of one category at one estate or street, or DepartmentCases or
// more of one category in one department, within Window.
type PreventionRule struct {
	AreaCases       int  `yaml:"area_cases"`
	DepartmentCases int  `yaml:"department_cases"`
	Window          Span `yaml:"window"`
}

// WindowDuration returns the window on the wall clock.
func (r PreventionRule) WindowDuration() time.Duration {
	return r.Window.Duration + time.Duration(r.Window.Days)*24*time.Hour
}

// Stage returns the rule of a stage, nil if unknown.
func (p *Policy) Stage(stage string) *StageRule { return p.Deadlines.Stages[stage] }

// Allowed returns the time allowed for stage on a case of category; major
// cases run on the wall clock (wall=true).
func (p *Policy) Allowed(stage, category string, major bool) (span Span, wall bool) {
	r := p.Deadlines.Stages[stage]
	if r == nil {
		return Span{}, false
	}
	if major {
		return r.Major, true
	}
	if s, ok := p.Deadlines.Categories[category][stage]; ok {
		return s, false
	}
	return r.Ordinary, false
}

// RemindAt returns the reminder fractions of a stage.
func (p *Policy) RemindAt(stage string) []float64 {
	if r := p.Deadlines.Stages[stage]; r != nil && r.RemindAt != nil {
		return r.RemindAt
	}
	return p.Deadlines.RemindAt
}

// EscalateEvery returns the pause between escalation steps of a stage.
func (p *Policy) EscalateEvery(stage string) time.Duration {
	if r := p.Deadlines.Stages[stage]; r != nil && !r.EscalateEvery.IsZero() {
		return r.EscalateEvery.Duration
	}
	return p.Deadlines.EscalateEvery.Duration
}

func (p *Policy) validateDeadlines() error {
	d := &p.Deadlines
	if err := validFractions("deadlines.remind_at", d.RemindAt); err != nil {
		return err
	}
	for _, k := range []struct {
		name string
		s    Span
	}{{"escalate_every", d.EscalateEvery}, {"digest_window", d.DigestWindow}} {
		if k.s.Duration <= 0 {
			return fmt.Errorf("deadlines.%s: required, a duration like 1h", k.name)
		}
	}
	for k, r := range d.Stages {
		if !slices.Contains(Stages, k) {
			return fmt.Errorf("deadlines.stages.%s: unknown stage (known: %s)", k, strings.Join(Stages, ", "))
		}
		if err := r.validate("deadlines.stages." + k); err != nil {
			return err
		}
	}
	for _, k := range Stages {
		if d.Stages[k] == nil {
			return fmt.Errorf("deadlines.stages.%s: missing", k)
		}
	}
	return p.validateCategorySpans()
}

func (r *StageRule) validate(key string) error {
	switch {
	case r == nil:
		return fmt.Errorf("%s: empty", key)
	case r.Major.IsZero():
		return fmt.Errorf("%s.major: required", key)
	case r.EscalateEvery.Days > 0 || r.EscalateEvery.SameDay:
		return fmt.Errorf("%s.escalate_every: a duration like 30m", key)
	}
	return validFractions(key+".remind_at", r.RemindAt)
}

func (p *Policy) validateCategorySpans() error {
	for cat, stages := range p.Deadlines.Categories {
		if p.Category(cat) == nil {
			return fmt.Errorf("deadlines.categories.%s: unknown category", cat)
		}
		for st := range stages {
			if !slices.Contains(Stages, st) {
				return fmt.Errorf("deadlines.categories.%s.%s: unknown stage", cat, st)
			}
		}
	}
	c := p.Clustering
	if c.Households < 2 || c.Window.Duration <= 0 {
		return fmt.Errorf("clustering: households (2 or more) and window (a duration like 6h) are required")
	}
	r := p.Prevention
	if r.AreaCases < 2 || r.DepartmentCases < 2 || r.WindowDuration() <= 0 || r.Window.SameDay {
		return fmt.Errorf("prevention: area_cases and department_cases (2 or more) and window (like 30d) are required")
	}
	return nil
}

func validFractions(key string, fs []float64) error {
	for i, f := range fs {
		if f <= 0 || f >= 1 || (i > 0 && f <= fs[i-1]) {
			return fmt.Errorf("%s: fractions between 0 and 1 in ascending order, got %v", key, fs)
		}
	}
	return nil
}
