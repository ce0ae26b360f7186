package models

import "testing"

func TestEllipsisAndCutRunes(t *testing.T) {
	for _, tc := range []struct{ in, ell, cut string }{
		{"  自来水发黄两天了  ", "自来水发黄…", "  自来水"},
		{"水压小", "水压小", "水压小"},
		{"😀😀😀😀😀😀", "😀😀😀😀😀…", "😀😀😀😀😀"},
	} {
		if got := Ellipsis(tc.in, 5); got != tc.ell {
			t.Errorf("Ellipsis(%q) = %q, want %q", tc.in, got, tc.ell)
		}
		if got := CutRunes(tc.in, 5); got != tc.cut {
			t.Errorf("CutRunes(%q) = %q, want %q", tc.in, got, tc.cut)
		}
	}
	if CST.String() != "CST" {
		t.Errorf("zone %v", CST)
	}
}
