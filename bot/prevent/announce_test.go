package prevent

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"tapline/bot/policy"
)

// TestAnnouncedToEveryDepartment: an approved measure goes to every
// department the policy file defines (policy 4.4.2 通报各部门), a ninth
// one added to the file included, not to a list the code knows.
func TestAnnouncedToEveryDepartment(t *testing.T) {
	base, err := os.ReadFile("../../configs/policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(base)
	for _, r := range [][2]string{
		{"  quality:\n", "  meters:\n    name: 水表检定室\n    clause: \"3.3\"\n" +
			"    group: {wecom_robot_key: \"\", dingtalk_token: \"\", dingtalk_secret: \"\"}\n  quality:\n"},
		{"[construction, supply, quality]", "[construction, supply, quality, meters]"},
	} {
		if !strings.Contains(doc, r[0]) {
			t.Fatalf("replacement %q not found", r[0])
		}
		doc = strings.Replace(doc, r[0], r[1], 1)
	}
	p, err := policy.Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvWith(t, p)
	for range 3 {
		e.file("water_pressure", "supply", "幸福小区")
	}
	ctx := context.Background()
	items, err := e.svc.Detect(ctx)
	if err != nil || len(items) != 1 {
		t.Fatalf("items %+v %v", items, err)
	}
	id := fmt.Sprintf("P%d", items[0].ID)
	if got, err := e.svc.Draft(ctx, "leader.b", id+" 加装增压泵"); err != nil || !strings.Contains(got, "等待总经理审批") {
		t.Fatalf("draft: %q %v", got, err)
	}
	if got, err := e.svc.Approve(ctx, "gm", id); err != nil || !strings.Contains(got, "已通报各部门") {
		t.Fatalf("approve: %q %v", got, err)
	}
	if got := e.texts("meters"); len(got) != 1 || !strings.Contains(got[0], "加装增压泵") {
		t.Fatalf("the ninth department got %q", got)
	}
	for _, d := range []string{policy.DeptHotline, policy.DeptOffice, "quality"} {
		if got := e.texts(d); len(got) != 1 {
			t.Errorf("department %s got %d announcements", d, len(got))
		}
	}
}
