package dialog

import (
	"tapline/bot/policy"
)

// Exported validators: the same rules as the resident dialog, for forms
// filled in by staff (issue 6 staff intake, policy 4.1.4). Each returns the
// cleaned value and whether it is acceptable.

// MinDetails is the fewest letters or digits a complaint's details need.
const MinDetails = 4

// ValidateName applies the dialog's name rules: "张三", "李女士" pass;
// digits, questions and non-names ("好的", "不知道") do not.
func ValidateName(s string) (string, bool) { return parseName(s) }

// ValidatePhone accepts one mobile, landline or local number and returns
// it normalised (policy 4.1.4).
func ValidatePhone(s string) (string, bool) { return parsePhone(s) }

// ValidateAddress applies the dialog's address rules: a number with an
// address marker, or a named estate; a bare road is not enough.
func ValidateAddress(s string) (string, bool) { return parseAddress(s) }

// ValidateExpectation reads the outcome the complainant expects (policy
// 4.2.4); "无" and the like mean none and are accepted as NoExpectation.
func ValidateExpectation(p *policy.Policy, s string) (string, bool) {
	return expectationAnswer(s, mine(p, s))
}

// ValidateDetails accepts details of at least MinDetails letters or digits
// and at most MaxDetails characters that say something ("不知道" does not).
func ValidateDetails(s string) (string, bool) {
	t := normalize(s)
	if meaningful(t) < MinDetails || isNegative(t) || len([]rune(t)) > MaxDetails {
		return "", false
	}
	return t, true
}

// Classify returns the category the text suggests (the first with the most
// keywords), or "" when none does.
func Classify(p *policy.Policy, text string) string {
	k, _ := classify(p, normalize(text))
	return k
}
