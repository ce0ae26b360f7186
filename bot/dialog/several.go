package dialog

import (
	"regexp"
	"strings"
)

// complaintBreak is where a message goes on to another complaint: "另外",
// "还有(一件事)", "二是", "其次" after a pause.
var complaintBreak = regexp.MustCompile(`(?:^|[，,。；;！!？?\s])(?:另外还有|另外|还有一件事|还有个事|还有一个问题|还有个问题|还有一个|还有件事|还有就是|还有|二是|第二|其次|再就是|除此之外)[，,：:\s]*`)

// enumLead is the opening of an enumeration ("两个事：一是").
var enumLead = regexp.MustCompile(`^(?:[两二三几]个(?:事|问题)[：:，,]?\s*)?(?:一是|第一|首先)?[，,：:\s]*`)

// several splits the details of a first message that holds several
// complaints of different categories ("水费多收了；二是修水管的师傅把墙砸
// 了"): the first stays in the draft, the others wait in Draft.Pending and
// are filed after it with the same contact details.
func (st *stepper) several(f found) found {
	parts := splitComplaints(f.Details)
	if len(parts) < 2 {
		return f
	}
	var kept []string
	cats := map[string]bool{}
	for _, part := range parts {
		k, _ := classify(st.env.Policy, part)
		switch {
		case k == "" || cats[k] || meaningful(part) < MinDetails:
			if len(kept) > 0 { // no complaint of its own: it belongs to the one before
				kept[len(kept)-1] += "，" + part
			} else {
				kept = append(kept, part)
			}
		default:
			cats[k] = true
			kept = append(kept, part)
		}
	}
	if len(cats) < 2 {
		return f
	}
	f.Details = kept[0]
	f.Category, f.CategoryWhy = classify(st.env.Policy, kept[0])
	st.s.Draft.Pending = kept[1:]
	return f
}

// splitComplaints cuts details at the words that start another complaint.
func splitComplaints(details string) []string {
	d := strings.TrimSpace(enumLead.ReplaceAllString(details, ""))
	if a, b, ok := besides(d); ok {
		return []string{a, b}
	}
	var parts []string
	for _, p := range complaintBreak.Split(d, -1) {
		if p = strings.Trim(p, " ，,。；;：:"); p != "" {
			parts = append(parts, p)
		}
	}
	return parts
}

// besides reads "除了A，B也…": two complaints.
func besides(s string) (a, b string, ok bool) {
	i := strings.Index(s, "除了")
	if i < 0 {
		return "", "", false
	}
	rest := []rune(s[i+len("除了"):])
	depth := 0
	for j, r := range rest {
		switch {
		case r == '(' || r == '（':
			depth++
		case r == ')' || r == '）':
			depth--
		case (r == '，' || r == ',') && depth <= 0:
			a = string(rest[:j])
			if pre := strings.Trim(s[:i], " ，,"); meaningful(stripFillers(pre)) >= MinDetails {
				a = pre + "，" + a // "另外说一下，" is no complaint of its own
			}
			b = strings.Trim(string(rest[j+1:]), " ，,。")
			return strings.Trim(a, " ，,"), b, a != "" && b != ""
		}
	}
	return "", "", false
}
