package report

import (
	"errors"
	"os"
	"testing"
)

// TestCJKFontsLoad: every CJK font installed here loads after repacking
// (WenQuanYi's collection does not load without it).
func TestCJKFontsLoad(t *testing.T) {
	found := 0
	for _, p := range cjkFonts {
		if _, err := os.Stat(p); err != nil {
			continue
		}
		found++
		if _, err := loadFont(p); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	if found == 0 {
		t.Skip("no CJK font installed (CI installs fonts-wqy-zenhei)")
	}
}

func TestRepackRefusesGarbage(t *testing.T) {
	for _, b := range [][]byte{nil, []byte("ttcf"), []byte("ttcf\x00\x01\x00\x00\x00\x00\x00\x01\x7f\xff\xff\xff"),
		{0, 1, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0}} {
		if _, err := repackFont(b); !errors.Is(err, errBadFont) {
			t.Errorf("repackFont(%q) err = %v, want errBadFont", b, err)
		}
	}
}
