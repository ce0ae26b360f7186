package corpus

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"tapline/models"
)

// Intake is what the intake part of a conversation did.
type Intake struct {
	FirstKeys []string // the keys of the reply to the first message
	Turns     int      // replies before the one that filed
	Filed     bool     // a reply said the case was filed (or completed)
	Reasks    int      // re-asks (reask_… texts)
	Twice     []string // slots asked again with no answer left: asked although given
	Stuck     bool     // still asking after maxTurns answers
}

// filingKeys are the texts that end an intake with a case on file.
var filingKeys = []string{"filed", "supplemented", "human_callback"}

func (in *Intake) note(keys []string) {
	for _, k := range keys {
		if strings.HasPrefix(k, "reask_") {
			in.Reasks++
		}
	}
	if in.Filed || (len(keys) == 1 && (keys[0] == "start" || keys[0] == "welcome")) {
		return // a greeting answered is no question about the complaint
	}
	if slices.ContainsFunc(keys, func(k string) bool { return slices.Contains(filingKeys, k) }) {
		in.Filed = true
		return
	}
	in.Turns++
}

// Check is one slot of a filed case against what it must be.
type Check struct {
	Slot, Want, Got string
	OK              bool
}

func (c Check) String() string {
	return fmt.Sprintf("%s: want %q, got %q", c.Slot, c.Want, c.Got)
}

// Result is one played conversation.
type Result struct {
	Conv       *Conversation
	OpenID     string
	Transcript []Line
	Intake     Intake
	Cases      []*models.Case // the resident's cases after the intake
	Checks     []Check        // the first case (and Also) against Expect
	Steps      []StepResult
	Staff      []StepResult // staff steps whose expectation failed
	Problems   []string     // conversation-level failures
	Err        error
}

// score compares what was filed with what the conversation expects.
func (r *Result) score() {
	c := r.Conv
	if r.Err != nil {
		r.Problems = append(r.Problems, "error: "+r.Err.Error())
	}
	if r.Intake.Stuck {
		r.Problems = append(r.Problems, "the desk kept asking")
	}
	for _, s := range r.Intake.Twice {
		r.Problems = append(r.Problems, "asked again although given: "+s)
	}
	if c.Expect == nil {
		if len(r.Cases) > 0 {
			r.Problems = append(r.Problems, fmt.Sprintf("filed %d case(s), want none", len(r.Cases)))
		}
		return
	}
	if len(r.Cases) == 0 {
		r.Problems = append(r.Problems, "no case filed")
		return
	}
	r.checkCases()
	if c.Expect.Turns > 0 && r.Intake.Turns > c.Expect.Turns {
		r.Problems = append(r.Problems, fmt.Sprintf("%d bot turns before the filing, allowed %d", r.Intake.Turns, c.Expect.Turns))
	}
	if c.Expect.Emergency && !slices.Contains(r.Intake.FirstKeys, "emergency") {
		r.Problems = append(r.Problems, "no emergency guidance in the first reply")
	}
	if !c.Expect.Emergency && slices.Contains(r.Intake.FirstKeys, "emergency") {
		r.Problems = append(r.Problems, "emergency guidance for an ordinary complaint")
	}
	for _, ch := range r.Checks {
		if !ch.OK {
			r.Problems = append(r.Problems, ch.String())
		}
	}
}

// checkCases compares the cases filed with Expect and Also.
func (r *Result) checkCases() {
	c := r.Conv
	r.Checks = compare(c.Expect, r.Cases[0])
	for i, e := range c.Also {
		if len(r.Cases) <= i+1 {
			r.Problems = append(r.Problems, fmt.Sprintf("case %d not filed", i+2))
			continue
		}
		r.Checks = append(r.Checks, compare(e, r.Cases[i+1])...)
	}
}

// compare checks case c against e.
func compare(e *Expect, c *models.Case) []Check {
	var out []Check
	add := func(slot, want, got string) {
		if want != "" {
			out = append(out, Check{Slot: slot, Want: want, Got: got, OK: want == got})
		}
	}
	add("category", e.Category, c.Category)
	add("department", e.Department, c.Department)
	add("name", e.Name, c.Name)
	add("phone", e.Phone, c.Phone)
	if e.Address != "" { // separators typed between the parts of an address change nothing
		out = append(out, Check{Slot: "address", Want: e.Address, Got: c.Address, OK: bare(e.Address) == bare(c.Address)})
	}
	add("expectation", e.Expectation, c.Expectation)
	if len(e.Details) > 0 {
		var missing []string
		for _, w := range e.Details {
			if !strings.Contains(c.Details, w) {
				missing = append(missing, w)
			}
		}
		out = append(out, Check{Slot: "details", Want: "contains " + strings.Join(e.Details, " / "),
			Got: c.Details, OK: len(missing) == 0})
	}
	got := ""
	if c.Major {
		got = c.MajorReason
	}
	out = append(out, Check{Slot: "major", Want: orNone(e.Major), Got: orNone(got), OK: e.Major == got})
	out = append(out, Check{Slot: "urgent", Want: fmt.Sprint(e.Urgent), Got: fmt.Sprint(c.Urgent), OK: e.Urgent == c.Urgent})
	return out
}

// bare drops spaces and punctuation.
func bare(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.IsPunct(r) {
			return -1
		}
		return r
	}, s)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// Failed reports whether anything in the conversation went wrong.
func (r *Result) Failed() bool {
	if len(r.Problems) > 0 || len(r.Staff) > 0 {
		return true
	}
	return slices.ContainsFunc(r.Steps, func(s StepResult) bool { return len(s.Problems) > 0 })
}
