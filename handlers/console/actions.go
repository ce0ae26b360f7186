package console

import (
	"slices"
	"strings"

	"tapline/bot/casework"
	"tapline/models"
)

// actionForm is one action's small form on the case page, derived from
// casework's command registry: the button says the command's name, the
// text field (only when the command needs one) says what it must say.
type actionForm struct {
	Action string
	Name   string // the command's name, the button's label
	// Text: the action needs a text; TextLabel is what it must say,
	// MinRunes the shortest the rules take, Example a sample.
	Text      bool
	TextLabel string
	MinRunes  int
	Example   string
	Version   int  // the measure version an approval or rejection is about (0: none)
	Dept      bool // a transfer: the department select
}

// actionForms returns the forms of the actions whose statuses fit c now,
// in the registry's order. Roles are not filtered here: the casework
// check decides on submit and refuses with its reply.
func actionForms(c *models.Case, work *models.CaseWork) []actionForm {
	var out []actionForm
	for _, sp := range casework.Transitions() {
		if sp.Rule == nil || !slices.Contains(sp.Rule.From, c.Status) {
			continue
		}
		out = append(out, formOf(sp, work))
	}
	return out
}

// formOf builds the form of one spec.
func formOf(sp casework.Spec, work *models.CaseWork) actionForm {
	f := actionForm{Action: sp.Action, Name: sp.Name(), Text: sp.NeedsText(), TextLabel: sp.Needs,
		MinRunes: sp.MinRunes, Example: exampleText(sp.Usage)}
	switch sp.Action {
	case casework.ActApprove, casework.ActReject:
		if work != nil {
			f.Version = work.MeasureVersion
		}
	case casework.ActTransfer:
		f.Dept, f.TextLabel = true, "转派的理由" // the department is chosen in the select
		if _, reason, ok := strings.Cut(f.Example, " "); ok {
			f.Example = reason
		}
	}
	return f
}

// exampleText is the text part of a command's usage: what follows the
// example case number, without the chat's remarks in brackets ("" when
// the usage has no text).
func exampleText(usage string) string {
	_, after, ok := strings.Cut(usage, "TS20261127-0001")
	if !ok {
		return ""
	}
	after, _, _ = strings.Cut(after, "（")
	return strings.TrimSpace(after)
}
