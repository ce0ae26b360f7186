package systemtest

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"
)

// staffRound takes four filed cases through staff actions raced across
// replicas: two crew members press 接单 on two replicas at once; the
// acceptor proposes a measure; the leader in charge sends 批准 to two
// replicas at once (policy 4.2.7). Each action must happen exactly once.
func staffRound(ctx context.Context, t *testing.T, c *cluster, db *sql.DB) {
	t.Helper()
	numbers := caseNumbers(t, db, 4)
	var wg sync.WaitGroup
	for _, number := range numbers {
		wg.Go(func() {
			a, b := c.two()
			race(t, func() (string, error) { return wecomApp(a).Click(ctx, "supply.crew", "accept:"+number, "") },
				func() (string, error) { return wecomApp(b).Click(ctx, "supply.head", "accept:"+number, "") })
			actor := eventActor(t, db, number, "accept")
			if reply, err := wecomApp(c.servers[rand.IntN(3)]).Text(ctx, actor, "", "措施 "+number+" 更换止回阀"); err != nil ||
				!strings.Contains(reply, "第 1 版措施") {
				t.Errorf("%s: propose by %s: %q %v", number, actor, reply, err)
				return
			}
			a, b = c.two()
			race(t, func() (string, error) { return wecomApp(a).Text(ctx, "leader.b", "", "批准 "+number) },
				func() (string, error) { return wecomApp(b).Text(ctx, "leader.b", "", "批准 "+number) })
		})
	}
	wg.Wait()
	for _, number := range numbers {
		for _, typ := range []string{"accept", "propose", "approve"} {
			n := queryInt(t, db, "SELECT COUNT(*) FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.number = ? AND e.type = ?", number, typ)
			if n != 1 {
				t.Errorf("%s: %d %q events, want 1", number, n, typ)
			}
		}
	}
}

// race runs both actions at once; both must get an answer.
func race(t *testing.T, f, g func() (string, error)) {
	var wg sync.WaitGroup
	for _, h := range []func() (string, error){f, g} {
		wg.Go(func() {
			if reply, err := h(); err != nil || reply == "" {
				t.Errorf("staff action: %q %v", reply, err)
			}
		})
	}
	wg.Wait()
}

func caseNumbers(t *testing.T, db *sql.DB, n int) []string {
	t.Helper()
	rows, err := db.Query("SELECT number FROM cases WHERE department = 'supply' ORDER BY id LIMIT ?", n)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		_ = rows.Scan(&s)
		out = append(out, s)
	}
	return out
}

func eventActor(t *testing.T, db *sql.DB, number, typ string) string {
	var actor string
	err := db.QueryRow("SELECT e.actor FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.number = ? AND e.type = ? ORDER BY e.id LIMIT 1",
		number, typ).Scan(&actor)
	if err != nil {
		t.Errorf("%s: no %s event: %v", number, typ, err)
	}
	return actor
}

// checkHandledOnce: one raw inbound row per message, one dialog or staff
// step per message across the replicas, and every retry recognised.
func checkHandledOnce(t *testing.T, c *cluster, db *sql.DB, retries int) {
	t.Helper()
	dup := queryInt(t, db, "SELECT COUNT(*) FROM (SELECT dedupe_key FROM inbound_messages GROUP BY dedupe_key HAVING COUNT(*) > 1) d")
	if dup != 0 {
		t.Errorf("%d messages recorded more than once", dup)
	}
	messages := queryInt(t, db, "SELECT COUNT(*) FROM inbound_messages")
	if steps := c.metric(t, `tapline_dialog_steps_total{outcome="ok"}`); steps != messages {
		t.Errorf("steps run across replicas: %d, messages: %d (each must run once)", steps, messages)
	}
	if got := c.metric(t, `tapline_inbound_duplicates_total{platform="wechat"}`); got != retries {
		t.Errorf("retries recognised: %d, sent: %d", got, retries)
	}
	if got, want := c.metric(t, "tapline_cases_created_total"), queryInt(t, db, "SELECT COUNT(*) FROM cases"); got != want {
		t.Errorf("cases created (metric): %d, in the database: %d", got, want)
	}
}

// checkCardsOnce waits until the outbox is drained, then checks that no
// message was queued twice, that each was delivered with one attempt, and
// that the fake robot got exactly the robot rows of each case.
func checkCardsOnce(t *testing.T, c *cluster, db *sql.DB) {
	t.Helper()
	eventually(t, 90*time.Second, func() bool {
		return queryInt(t, db, "SELECT COUNT(*) FROM outboxes WHERE status <> 'sent'") == 0
	}, func() string {
		return fmt.Sprintf("%d outbox rows not sent: %s", queryInt(t, db, "SELECT COUNT(*) FROM outboxes WHERE status <> 'sent'"),
			unsent(t, db))
	})
	dup := queryInt(t, db, `SELECT COUNT(*) FROM (SELECT case_id FROM outboxes
		GROUP BY case_id, channel, target, MD5(payload) HAVING COUNT(*) > 1) d`)
	if dup != 0 {
		t.Errorf("%d outbox messages queued more than once", dup)
	}
	if n := queryInt(t, db, "SELECT COUNT(*) FROM outboxes WHERE attempts <> 1"); n != 0 {
		t.Errorf("%d outbox rows took other than one attempt", n)
	}
	if a, o := queryInt(t, db, "SELECT COUNT(*) FROM delivery_attempts"), queryInt(t, db, "SELECT COUNT(*) FROM outboxes"); a != o {
		t.Errorf("delivery attempts %d for %d rows", a, o)
	}
	want := map[string]int{}
	rows, err := db.Query(`SELECT c.number, COUNT(*) FROM outboxes o JOIN cases c ON c.id = o.case_id
		WHERE o.channel = 'wecom_robot' GROUP BY c.number`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	total := 0
	for rows.Next() {
		var number string
		var n int
		_ = rows.Scan(&number, &n)
		want[number] = n
		total += n
	}
	if total == 0 {
		t.Fatal("no robot cards queued")
	}
	got := c.robot.perCase()
	for number, n := range want {
		if got[number] != n {
			t.Errorf("%s: robot got %d requests, want %d", number, got[number], n)
		}
	}
	if c.robot.count() != total {
		t.Errorf("robot got %d requests, %d robot rows", c.robot.count(), total)
	}
}

// unsent describes the rows not sent, for a failure message.
func unsent(t *testing.T, db *sql.DB) string {
	rows, err := db.Query(`SELECT id, case_id, channel, audience, kind, status, attempts, next_at, last_error
		FROM outboxes WHERE status <> 'sent' LIMIT 10`)
	if err != nil {
		return err.Error()
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, caseID, attempts int
		var channel, audience, kind, status, lastErr string
		var next time.Time
		_ = rows.Scan(&id, &caseID, &channel, &audience, &kind, &status, &attempts, &next, &lastErr)
		out = append(out, fmt.Sprintf("#%d case %d %s→%s %s %s attempts=%d next=%s err=%q",
			id, caseID, channel, audience, kind, status, attempts, next.Format(time.RFC3339), lastErr))
	}
	return strings.Join(out, "; ")
}
