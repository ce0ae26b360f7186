package dialog

import (
	"strings"
	"testing"
	"time"
)

// TestOutageIsNoEmergency: one household without water is an ordinary
// complaint for the water-supply section (policy 3.6), not a 4.1.3 case.
func TestOutageIsNoEmergency(t *testing.T) {
	h := newHarness(t)
	got := h.say("o1", "家里停水了，小区也没贴停水通知")
	if strings.Contains(got, "紧急") || h.filer.count() != 0 {
		t.Fatalf("an outage answered as an emergency: %s", got)
	}
	if d := h.draft("o1"); d.Category != "water_pressure" || d.Major != "" || d.Emergency != "" {
		t.Fatalf("%+v", d)
	}
}

// TestSilentEmergencyResidentReturns: a resident who went quiet after an
// emergency filing is never told the complaint was not submitted.
func TestSilentEmergencyResidentReturns(t *testing.T) {
	h := newHarness(t)
	h.say("o1", "楼下马路上水管爆了，水喷得老高")
	h.clock.advance(2 * time.Hour)
	got := h.expect("o1", "在吗", "已经登记", "TS20261127-0042", "详细地址")
	if strings.Contains(got, "还没提交") {
		t.Fatalf("a filed emergency called not submitted: %s", got)
	}
	h.clock.advance(DefaultTTL + time.Hour)
	if got := h.say("o1", "你好"); strings.Contains(got, "未提交") || !strings.Contains(got, "已经登记") {
		t.Fatalf("after expiry: %s", got)
	}
}
