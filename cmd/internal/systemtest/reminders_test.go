package systemtest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tapline/bot/simclient"
)

// policyWithShortClocks is policyWithRobots with the major-complaint
// acknowledgement clock shortened to seconds, so a test sees its
// reminders, warning and escalations fire.
func policyWithShortClocks(t *testing.T) string {
	t.Helper()
	path := policyWithRobots(t)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const from = "major_ack: {ordinary: 30m, major: 30m, remind_at: [0.34, 0.67], escalate_every: 10m}"
	doc := strings.Replace(string(b), from, "major_ack: {ordinary: 3s, major: 3s, remind_at: [0.34, 0.67], escalate_every: 2s}", 1)
	if doc == string(b) {
		t.Fatalf("policy.yaml no longer has %q", from)
	}
	out := filepath.Join(t.TempDir(), "policy.yaml")
	if err := os.WriteFile(out, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRemindersOnceAcrossReplicas files major complaints on three
// replicas whose workers all race for the acknowledgement clocks' steps:
// every step is written once (one warning, one event per escalation).
func TestRemindersOnceAcrossReplicas(t *testing.T) {
	robot := newFakeRobot(t, nil)
	c := startCluster(t, 3, robot, map[string]string{"TAPLINE_OUTBOX_RECONCILE_INTERVAL": "300ms"})
	for _, s := range c.servers { // the short clocks need their own policy file
		s.env["TAPLINE_POLICY_FILE"] = policyWithShortClocks(t)
		s.restart()
	}
	ctx := ctxT(t)
	const n = 4
	for i := range n {
		a, b := c.two()
		openID := "o-rem-" + randomHex(6)
		text := fmt.Sprintf("我叫%s，电话139%08d，住东风%d路%d号，%s，记者已经来拍了，希望尽快解决",
			residentName(i), 20000+i, i, i+1, issues[i%len(issues)])
		deliver(ctx, t, a, b, simclient.Text(openID, 1, text), true)
		deliver(ctx, t, b, a, simclient.Text(openID, 2, "确认"), true)
	}
	db := openDB(t, c.dsn)
	if got := queryInt(t, db, "SELECT COUNT(*) FROM cases WHERE major = 1"); got != n {
		t.Fatalf("major cases: %d, want %d", got, n)
	}
	// 3 s to the warning, then escalations every 2 s: wait for two.
	eventually(t, 30*time.Second, func() bool {
		return queryInt(t, db, "SELECT COUNT(*) FROM deadlines WHERE stage = 'major_ack' AND step >= 5") == n
	}, func() string { return "acknowledgement clocks did not reach their second escalation" })
	for _, s := range c.servers {
		s.p.stop() // freeze the clocks before counting
	}
	rows, err := db.Query(`SELECT d.case_id, d.step,
		(SELECT COUNT(*) FROM case_events e WHERE e.case_id = d.case_id AND e.type = 'deadline_warn'),
		(SELECT COUNT(*) FROM case_events e WHERE e.case_id = d.case_id AND e.type = 'deadline_escalate'),
		(SELECT COUNT(*) FROM warnings w WHERE w.deadline_id = d.id)
		FROM deadlines d WHERE d.stage = 'major_ack'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var caseID, step, warns, escalations, warnings int
		if err := rows.Scan(&caseID, &step, &warns, &escalations, &warnings); err != nil {
			t.Fatal(err)
		}
		// steps 0–1 remind, 2 warns, 3… escalate: each written exactly once
		if warns != 1 || warnings != 1 || escalations != step-3 {
			t.Errorf("case %d: step %d, %d warn events, %d warnings, %d escalations (want 1, 1, %d)",
				caseID, step, warns, warnings, escalations, step-3)
		}
	}
}
