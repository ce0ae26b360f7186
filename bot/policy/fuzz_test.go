package policy

import (
	"bytes"
	"os"
	"testing"
)

// FuzzParse feeds arbitrary documents to Parse: whatever it cannot use it
// must refuse with an error, never a panic, and whatever it accepts must
// answer the lookups the rest of Tapline makes.
func FuzzParse(f *testing.F) {
	base, err := os.ReadFile("../../configs/policy.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(base)
	for _, m := range [][2]string{{"categories:\n", "categories:\n  - null\n"}, {"leaders:\n", "leaders:\n  x: null\n"},
		{"emergencies:\n", "emergencies:\n  - ~\n"}, {"roster:\n", "roster:\n  -\n"}} {
		f.Add(bytes.Replace(base, []byte(m[0]), []byte(m[1]), 1))
	}
	for _, doc := range []string{
		"categories: [null]\n",
		"departments: {hotline: null}\n",
		"leaders: {a: null}\n",
		"emergencies: [~]\nroster: [~]\n",
		"roster: [{id: gm, name: 总经理, role: gm}]\ngm: gm\n",
		"a: &a [*a, *a]\nb: &b [*a, *a, *a]\n",
		"\xff\xfe<html>'; DROP TABLE x;--</html>",
	} {
		f.Add([]byte(doc))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		p, err := Parse(doc)
		if (err == nil) == (p == nil) {
			t.Fatalf("Parse: %v, %v", p, err)
		}
		if p == nil {
			return
		}
		for _, c := range p.Categories {
			if p.Department(c.Department) == nil || p.LeaderOf(c.Department) == nil {
				t.Fatalf("category %q: department %q without a leader", c.Key, c.Department)
			}
		}
		if p.Category("other") == nil || p.Staff(p.GM) == nil {
			t.Fatal("accepted a policy without other or gm")
		}
		p.MajorCriterion(string(doc))
		p.Emergency(string(doc))
	})
}
