// Package wording holds the check that what people read carries no
// internal references: no "policy 4.2.7" and no raw English values in the
// Chinese texts of chat messages, cards, the console and the ledger
// (issue 14). Clause numbers belong in comments, where developers read them.
package wording

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// internal matches what a person must not read: a policy clause reference
// in English, or a stored enum value.
var internal = regexp.MustCompile(`\bpolicy\b|major_why|basically_satisfied|\b(archive|reopen|location|resident_accept|resident_reject)\b`)

// roots are the directories whose texts people read (from the module root).
var roots = []string{"bot", "handlers", "cmd/server", "scripts"}

// TestNoInternalWordsInTexts scans every string literal with Chinese in it
// (outside tests) and every console template.
func TestNoInternalWordsInTexts(t *testing.T) {
	fset := token.NewFileSet()
	n := 0
	for _, root := range roots {
		err := filepath.WalkDir(filepath.Join("../../..", root), func(p string, d fs.DirEntry, err error) error {
			switch {
			case err != nil:
				return err
			case strings.HasSuffix(p, ".html"):
				n++
				checkTemplate(t, p)
			case strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go"):
				n++
				checkGo(t, fset, p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if n < 100 {
		t.Fatalf("only %d files scanned: the roots are wrong", n)
	}
}

func checkGo(t *testing.T, fset *token.FileSet, path string) {
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	ast.Inspect(f, func(n ast.Node) bool {
		lit, ok := n.(*ast.BasicLit)
		if ok && lit.Kind == token.STRING && hasHan(lit.Value) && internal.MatchString(lit.Value) {
			t.Errorf("%s: people read %s", fset.Position(lit.Pos()), lit.Value)
		}
		return true
	})
}

// templateComment is a template or HTML comment, which no one reads.
var templateComment = regexp.MustCompile(`(?s)\{\{/\*.*?\*/\}\}|<!--.*?-->`)

func checkTemplate(t *testing.T, path string) {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(templateComment.ReplaceAllString(string(b), ""), "\n") {
		if hasHan(line) && internal.MatchString(line) {
			t.Errorf("%s:%d: people read %s", path, i+1, strings.TrimSpace(line))
		}
	}
}

// hasHan reports whether s has Chinese in it: ideographs or the full-width
// punctuation around them (a "（policy %s）" fragment has no ideograph).
func hasHan(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool {
		return unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef)
	}) >= 0
}

// TestTheCheckFindsWhatItLooksFor: the pattern catches the texts it was
// written against, and lets the Chinese through.
func TestTheCheckFindsWhatItLooksFor(t *testing.T) {
	for _, s := range []string{"待审批（policy 4.2.7）", "（policy %s）", "major_why:\"safety\"", "回访：basically_satisfied", "状态 archive"} {
		if !internal.MatchString(s) {
			t.Errorf("%q passes", s)
		}
	}
	for _, s := range []string{"待分管领导审批", "回访：基本满意", "已回访归档", "位置"} {
		if internal.MatchString(s) {
			t.Errorf("%q is refused", s)
		}
	}
}
