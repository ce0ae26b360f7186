package dialog

import (
	"os"
	"strings"
	"testing"
)

func TestEveryStateAndReaskHasItsText(t *testing.T) {
	texts, err := LoadTexts("../../configs/dialog.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range States {
		for _, key := range []string{askKey(s), reaskKey(s)} {
			got, err := texts.Render(key, sampleData())
			if err != nil || strings.TrimSpace(got) == "" {
				t.Errorf("%s: %q, %v", key, got, err)
			}
		}
	}
	for _, key := range RequiredKeys() {
		if !texts.Has(key) {
			t.Errorf("missing %s", key)
		}
	}
	for _, s := range Slots {
		if texts.SlotName(s) == "" {
			t.Errorf("no display name for slot %s", s)
		}
	}
}

func TestParseTextsRefusesBadFiles(t *testing.T) {
	good, err := os.ReadFile("../../configs/dialog.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, from, to, want string
	}{
		{"missing re-ask", "  reask_phone:", "  reask_phonex:", "reask_phone"},
		{"unknown field", "{{.Draft.Phone}}", "{{.Draft.Mobile}}", "Mobile"},
		{"bad template", "{{.Hotline}}", "{{.Hotline", "welcome"},
		{"unknown top-level key", "slots:", "slot:", "slot"},
	}
	for _, tt := range tests {
		doc := strings.Replace(string(good), tt.from, tt.to, 1)
		if doc == string(good) {
			t.Fatalf("%s: fixture did not change", tt.name)
		}
		if _, err := ParseTexts([]byte(doc)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err %v, want mention of %q", tt.name, err, tt.want)
		}
	}
}
