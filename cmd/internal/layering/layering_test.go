package layering

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// rule forbids packages under dir (the module path prefix) to import any
// path with one of the prefixes in deny.
type rule struct {
	dir   string
	deny  []string
	exact bool // apply to dir itself only, not its subpackages
}

var rules = []rule{
	{dir: "tapline/models", exact: true, deny: []string{"tapline/", "gorm.io", "github.com/"}},
	{dir: "tapline/models", deny: []string{"tapline/bot", "tapline/handlers", "tapline/cmd", "github.com/gin-gonic"}},
	{dir: "tapline/bot", deny: []string{"tapline/handlers", "tapline/cmd", "github.com/gin-gonic", "gorm.io"}},
	{dir: "tapline/bot", exact: true, deny: []string{"github.com/redis", "tapline/models/store"}},
	{dir: "tapline/bot/dialog", deny: []string{"github.com/redis", "tapline/models/store"}},
	{dir: "tapline/bot/intake", deny: []string{"github.com/redis", "tapline/models/store"}},
	{dir: "tapline/bot/policy", deny: []string{"github.com/redis", "tapline/models/store", "tapline/bot/"}},
	{dir: "tapline/handlers", deny: []string{"tapline/cmd", "tapline/models/store", "gorm.io", "github.com/hibiken"}},
}

func TestImportsPointDownward(t *testing.T) {
	root := "../../.."
	imports := map[string][]string{} // package path → imports (non-test files)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "data") && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		pkg := "tapline/" + filepath.ToSlash(rel)
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, im := range f.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			imports[pkg] = append(imports[pkg], p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(imports) < 10 {
		t.Fatalf("found only %d packages: walking the wrong tree?", len(imports))
	}
	for pkg, ims := range imports {
		for _, r := range rules {
			if !applies(r, pkg) {
				continue
			}
			for _, im := range ims {
				for _, d := range r.deny {
					if strings.HasPrefix(im, d) {
						t.Errorf("%s imports %s (rule for %s forbids %s*)", pkg, im, r.dir, d)
					}
				}
			}
		}
	}
}

func applies(r rule, pkg string) bool {
	if r.exact {
		return pkg == r.dir
	}
	return pkg == r.dir || strings.HasPrefix(pkg, r.dir+"/")
}
