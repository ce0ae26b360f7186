package corpus

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"tapline/models"
)

// StepResult is what one resident message after the filing did.
type StepResult struct {
	Text     string
	Keys     []string
	WantNew  bool     // the message was a new problem
	Opened   bool     // it started a new complaint
	Problems []string // what it did wrong
	Filed    []Check  // the checks of the case it filed, when it was to file one
}

// step plays one step after the filing.
func (p *player) step(ctx context.Context, s *Step) error {
	if err := p.wait(s.Wait); err != nil {
		return err
	}
	switch {
	case s.Staff != nil:
		return p.staff(ctx, s)
	case s.Resident != nil:
		return p.resident(ctx, s)
	}
	return nil
}

// caseNumber is the number of the conversation's first case.
func (p *player) caseNumber() string {
	if len(p.res.Cases) == 0 {
		return "TS00000000-0000"
	}
	return p.res.Cases[0].Number
}

func (p *player) staff(ctx context.Context, s *Step) error {
	text := strings.ReplaceAll(s.Staff.Say, "{case}", p.caseNumber())
	p.res.Transcript = append(p.res.Transcript, Line{Who: s.Staff.As, Text: text})
	r, err := p.desk.Staff(ctx, s.Staff.As, text)
	if err != nil {
		return fmt.Errorf("staff %s %q: %w", s.Staff.As, text, err)
	}
	p.res.Transcript = append(p.res.Transcript, Line{Who: "系统", Text: r})
	if s.Expect.Status != "" {
		st := StepResult{Text: s.Staff.As + ": " + text}
		if got := p.status(ctx); got != s.Expect.Status {
			st.Problems = append(st.Problems, fmt.Sprintf("status after the staff command: %s, want %s", got, s.Expect.Status))
		}
		if len(st.Problems) > 0 {
			p.res.Staff = append(p.res.Staff, st)
		}
	}
	return nil
}

// resident plays a resident's message after the filing and checks it
// against the step's expectation.
func (p *player) resident(ctx context.Context, s *Step) error {
	before, err := p.snapshot(ctx)
	if err != nil {
		return err
	}
	r, keys, err := p.say(ctx, *s.Resident)
	if err != nil {
		return err
	}
	st := StepResult{Text: s.Resident.Show(), Keys: keys, WantNew: s.Expect.NewCase, Opened: opensComplaint(keys)}
	if s.Expect.NewCase {
		in, err := p.intake(ctx, nil, false, r)
		if err != nil {
			return err
		}
		st.check(p.afterNew(ctx, before, in, s.Expect.Files))
	} else {
		after, err := p.snapshot(ctx)
		if err != nil {
			return err
		}
		if after.cases > before.cases {
			st.Opened = true
		}
		st.Problems = append(st.Problems, p.concerns(ctx, s.Expect, before, after, keys)...)
		st.Problems = append(st.Problems, p.rated(ctx, s.Expect.Rating)...)
	}
	if st.Opened != st.WantNew {
		if st.WantNew {
			st.Problems = append(st.Problems, "a new problem did not start a new complaint")
		} else {
			st.Problems = append(st.Problems, "a message about the open case started a new complaint")
		}
	}
	p.res.Steps = append(p.res.Steps, st)
	return nil
}

// snap is what a step changes: how many cases the resident has, and the
// first case's events.
type snap struct {
	cases  int
	events []*models.CaseEvent
	status string
}

func (p *player) snapshot(ctx context.Context) (snap, error) {
	cs, err := p.desk.Cases(ctx, p.openID)
	if err != nil {
		return snap{}, fmt.Errorf("cases: %w", err)
	}
	s := snap{cases: len(cs)}
	if len(cs) > 0 {
		s.status = cs[0].Status
		if s.events, err = p.desk.Events(ctx, cs[0].ID); err != nil {
			return snap{}, fmt.Errorf("events: %w", err)
		}
	}
	return s, nil
}

func (p *player) status(ctx context.Context) string {
	s, err := p.snapshot(ctx)
	if err != nil {
		return "error: " + err.Error()
	}
	return s.status
}

// concerns checks a message about the open case: the case's status, the
// event it added and the reply's keys.
func (p *player) concerns(_ context.Context, want StepExpect, before, after snap, keys []string) []string {
	var out []string
	if want.Status != "" && after.status != want.Status {
		out = append(out, fmt.Sprintf("status %s, want %s", after.status, want.Status))
	}
	if want.Event != "" && count(after.events, want.Event) <= count(before.events, want.Event) {
		added := after.events[min(len(before.events), len(after.events)):]
		out = append(out, fmt.Sprintf("no %s event recorded on the case (added: %s)", want.Event, types(added)))
	}
	for _, k := range want.Reply {
		if !slices.Contains(keys, k) {
			out = append(out, fmt.Sprintf("reply lacks %s (got %v)", k, keys))
		}
	}
	return out
}

// rated checks the case's rating.
func (p *player) rated(ctx context.Context, want int) []string {
	if want == 0 || len(p.res.Cases) == 0 {
		return nil
	}
	got, err := p.desk.Rating(ctx, p.res.Cases[0].ID)
	if err != nil {
		return []string{"rating: " + err.Error()}
	}
	if got != want {
		return []string{fmt.Sprintf("rating %d, want %d", got, want)}
	}
	return nil
}

// afterNew checks a new complaint started after the filing.
func (p *player) afterNew(ctx context.Context, before snap, in Intake, want *Expect) []Check {
	if want == nil {
		return nil
	}
	cs, err := p.desk.Cases(ctx, p.openID)
	if err != nil || len(cs) <= before.cases {
		return []Check{{Slot: "filed", Want: "a new case", Got: fmt.Sprintf("%d cases", len(cs))}}
	}
	return compare(want, cs[len(cs)-1])
}

func (st *StepResult) check(cs []Check) {
	st.Filed = cs
	for _, c := range cs {
		if !c.OK {
			st.Problems = append(st.Problems, c.String())
		}
	}
}

func count(evs []*models.CaseEvent, typ string) int {
	n := 0
	for _, e := range evs {
		if e.Type == typ {
			n++
		}
	}
	return n
}

func types(evs []*models.CaseEvent) string {
	var ts []string
	for _, e := range evs {
		ts = append(ts, e.Type)
	}
	if len(ts) == 0 {
		return "none"
	}
	return strings.Join(ts, ", ")
}
