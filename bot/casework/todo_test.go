package casework

import (
	"strings"
	"testing"
	"time"
)

// TestTodoMarksMajorAndOverdue: 待办 puts major cases first, marks the
// overdue ones with how late, and shows each case's stage and due time.
func TestTodoMarksMajorAndOverdue(t *testing.T) {
	e := newClockEnv(t)
	plain := e.file("supply", false, "")
	late := e.file("supply", false, "")
	major := e.file("supply", true, "")
	e.say("supply.crew", "接单 "+late.Number)
	e.clock.Add(30 * 24 * time.Hour)
	e.say("supply.crew", "接单 "+major.Number)
	got := e.say("supply.crew", "待办")
	lines := strings.Split(got, "\n")
	if len(lines) != 5 {
		t.Fatalf("待办:\n%s", got)
	}
	want := []struct{ number, marks string }{
		{major.Number, "【重大】"}, {late.Number, "【超时 "}, {plain.Number, ""},
	}
	for i, w := range want {
		line := lines[i+1]
		if !strings.Contains(line, w.number) || (w.marks != "" && !strings.Contains(line, w.marks)) {
			t.Errorf("line %d = %q, want %s %s", i+1, line, w.number, w.marks)
		}
	}
	if !strings.Contains(lines[1], "提出处理措施") || !strings.Contains(lines[1], " 前") || strings.Contains(lines[1], "超时") {
		t.Errorf("major line %q: its stage and due time, not late", lines[1])
	}
	if !strings.Contains(lines[2], "天】") || strings.Contains(lines[3], "【") || strings.Contains(lines[3], " 前") {
		t.Errorf("late %q / no clock %q", lines[2], lines[3])
	}
}
