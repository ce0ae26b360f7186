package casework

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// caseNumberRe is what a parsed case number must look like in full.
var caseNumberRe = regexp.MustCompile(`^TS\d{8}-\d{3,6}$`)

// fuzzSeeds are messy staff messages: full-width digits, mentions, emoji,
// HTML, SQL, control bytes and a 5 000-character note.
var fuzzSeeds = []string{
	"接单 TS20261127-0001",
	"@水务助手 接单ＴＳ２０２６１１２７－０００１",
	"＠张三　＠水务助手　受理　ts20261127-000123 😀",
	"@水务助手接单",
	"@@@ @ @",
	"驳回 TS20261127-0001 第2版，先上门核实",
	"批准 TS20261127-0001 v99999999999999999999",
	"同意 v2 TS20261127-0001",
	"进展 <script>alert(1)</script> TS20261127-0001",
	"转派 TS20261127-0001'; DROP TABLE cases;-- 施工队",
	"TS20261127-0001 TS20261127-0002 查",
	"TS20261127-00012345 接单",
	"问\u3000\u3000\u200b请问在家吗？\n\t明天",
	"？",
	"\xff\xfe接单 TS20261127-0001\x00",
	"措施 " + strings.Repeat("更换水表并致歉😀", 625),
}

// FuzzParse feeds arbitrary staff text to Parse and Normalize. Neither may
// panic; Normalize is idempotent and returns valid UTF-8; a parsed case
// number is a whole case number; an unknown command is the zero Command.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		n := Normalize(text)
		if !utf8.ValidString(n) {
			t.Fatalf("Normalize(%q) = %q: invalid UTF-8", text, n)
		}
		if again := Normalize(n); again != n {
			t.Fatalf("Normalize not idempotent: %q then %q", n, again)
		}
		cmd := Parse(text)
		checkCommand(t, text, cmd)
		if cmd.Action == "" && cmd != (Command{}) {
			t.Fatalf("Parse(%q) = %+v: fields without an action", text, cmd)
		}
		if cmd.Button || cmd.ResponseCode != "" {
			t.Fatalf("Parse(%q) = %+v: text marked as a button", text, cmd)
		}
		if cmd.Version != 0 && cmd.Action != ActApprove && cmd.Action != ActReject {
			t.Fatalf("Parse(%q) = %+v: version on %s", text, cmd, cmd.Action)
		}
		if utf8.ValidString(text) && !utf8.ValidString(cmd.Text) {
			t.Fatalf("Parse(%q) text %q: invalid UTF-8", text, cmd.Text)
		}
	})
}

// FuzzParseKey feeds arbitrary button keys to ParseKey, and checks that a
// key built by Key (and the staff text built from a command word, the same
// number and a note) parses back to the same command.
func FuzzParseKey(f *testing.F) {
	f.Add("approve:TS20261127-0001:v2", uint32(20261127), uint32(1), 2, "先上门核实")
	f.Add("accept:xxTS20261127-0001yy", uint32(0), uint32(999999), 0, "")
	f.Add("details:ts20261127-0001:V-1", uint32(99999999), uint32(100), -1, "已到现场，正在排查 😀")
	f.Add("reject:TS20261127-0001:v99999999999999999999", uint32(1), uint32(0), 1<<40, "<b>x</b>")
	f.Add("::", uint32(12345678), uint32(1234567), 7, strings.Repeat("Ａ", 5000))
	f.Fuzz(func(t *testing.T, key string, date, seq uint32, v int, note string) {
		cmd := ParseKey(key)
		checkCommand(t, key, cmd)
		if cmd.Action != "" && (!cmd.Button || cmd.Number == "" || cmd.Version < 0) {
			t.Fatalf("ParseKey(%q) = %+v", key, cmd)
		}
		number := buildNumber(date, seq)
		for _, action := range keyActions() {
			want := Command{Action: action, Number: number, Version: max(v, 0), Button: true}
			if got := ParseKey(Key(action, number, v)); got != want {
				t.Fatalf("ParseKey(Key(%q, %q, %d)) = %+v, want %+v", action, number, v, got, want)
			}
		}
		checkTextRoundTrip(t, number, note)
	})
}

// checkTextRoundTrip parses "<word> <number> <note>" for every command word
// and expects the word's action, the number and the normalised note back.
func checkTextRoundTrip(t *testing.T, number, note string) {
	t.Helper()
	if !utf8.ValidString(note) || numberRe.MatchString(Normalize(note)) {
		return // a second case number in the note is a different command
	}
	for _, k := range keywords {
		text := k.word + " " + number + " " + note
		got := Parse(text)
		if got.Action != k.action || got.Number != number {
			t.Fatalf("Parse(%q) = %+v, want action %s and number %s", text, got, k.action, number)
		}
		if k.action == ActApprove || k.action == ActReject {
			continue // the note may name a version
		}
		if want := strings.TrimSpace(strings.TrimLeft(Normalize(note), separators)); got.Text != want {
			t.Fatalf("Parse(%q).Text = %q, want %q", text, got.Text, want)
		}
	}
}

// checkCommand checks what every parsed command satisfies.
func checkCommand(t *testing.T, in string, cmd Command) {
	t.Helper()
	if cmd.Number != "" && !caseNumberRe.MatchString(cmd.Number) {
		t.Fatalf("%q: number %q is not a case number", in, cmd.Number)
	}
	if cmd.Action != "" && !knownAction(cmd.Action) {
		t.Fatalf("%q: unknown action %q", in, cmd.Action)
	}
	if cmd.Version < 0 {
		t.Fatalf("%q: negative version %d", in, cmd.Version)
	}
}

func knownAction(a string) bool {
	for _, k := range keywords {
		if k.action == a {
			return true
		}
	}
	_, ok := table[a]
	return ok
}

// keyActions are the actions a card button may carry.
func keyActions() []string {
	out := []string{ActDetails}
	for a := range table {
		out = append(out, a)
	}
	return out
}

// buildNumber makes a case number "TS<8 digits>-<3..6 digits>" from fuzz input.
func buildNumber(date, seq uint32) string {
	return fmt.Sprintf("TS%08d-%03d", date%100000000, seq%1000000)
}
