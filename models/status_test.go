package models

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// statusConstants reads every Status… string constant declared in this
// package's source, so that a status added anywhere without a name fails.
func statusConstants(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(token.NewFileSet(), f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, sp := range g.Specs {
				vs := sp.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if !strings.HasPrefix(n.Name, "Status") || i >= len(vs.Values) {
						continue
					}
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						out[n.Name], _ = strconv.Unquote(lit.Value)
					}
				}
			}
		}
	}
	return out
}

func TestEveryStatusHasItsNames(t *testing.T) {
	consts := statusConstants(t)
	if len(consts) < 10 {
		t.Fatalf("found only %d status constants: %v", len(consts), consts)
	}
	for name, v := range consts {
		s, ok := StatusOf(v)
		switch {
		case !ok:
			t.Errorf("%s (%q) is not in Statuses", name, v)
		case s.Staff == "" || s.Resident == "":
			t.Errorf("%s (%q) lacks a staff or resident name: %+v", name, v, s)
		}
	}
	seen := map[string]bool{}
	for _, s := range Statuses {
		if seen[s.Status] {
			t.Errorf("%q appears twice in Statuses", s.Status)
		}
		seen[s.Status] = true
	}
	if StaffStatusName("no_such_status") == "no_such_status" || ResidentStatusName("x_y") == "x_y" {
		t.Error("an unknown status is shown raw")
	}
}

func TestOpenStatusesFromTheTable(t *testing.T) {
	want := []string{StatusReceived, StatusAssigned, StatusAccepted, StatusMeasuresProposed,
		StatusNegotiating, StatusAgreed, StatusResolved, StatusConfirmed}
	if strings.Join(OpenStatuses, ",") != strings.Join(want, ",") {
		t.Fatalf("OpenStatuses %v, want %v", OpenStatuses, want)
	}
}
