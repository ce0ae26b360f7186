package systemtest

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"
)

// solo is one server on its own private Redis, with the department robots
// pointed at a fake.
type solo struct {
	s     *server
	rds   *privateRedis
	dsn   string
	db    *sql.DB
	robot *fakeRobot
}

// startSolo starts one server on dsn and a private Redis; extra adds to
// its environment.
func startSolo(t *testing.T, dsn string, robot *fakeRobot, extra map[string]string) *solo {
	t.Helper()
	o := &solo{rds: startRedis(t), dsn: dsn, robot: robot}
	env := serverEnv(dsn, o.rds.Addr())
	env["TAPLINE_POLICY_FILE"] = policyWithRobots(t)
	env["TAPLINE_WECOM_API_BASE"] = robot.srv.URL
	for k, v := range extra {
		env[k] = v
	}
	o.s = startServer(t, "server", env)
	o.db = openDB(t, dsn)
	return o
}

// file plays resident i through a whole intake (details, then 确认) and
// returns the case number.
func (o *solo) file(ctx context.Context, t *testing.T, openID string, i int) string {
	t.Helper()
	if r := say(ctx, t, o.s, openID, 1, complaint(i)); !strings.Contains(r, "核对") {
		t.Fatalf("expected the read-back, got %q", r)
	}
	r := say(ctx, t, o.s, openID, 2, "确认")
	number := caseNumber.FindString(r)
	if number == "" {
		t.Fatalf("no case number in %q", r)
	}
	return number
}

// outboxRow is what the tests check of an outbox row.
type outboxRow struct {
	ID       uint64
	Status   string
	Attempts int
}

// robotRow returns the WeCom robot row of case number.
func (o *solo) robotRow(t *testing.T, number string) outboxRow {
	t.Helper()
	var r outboxRow
	err := o.db.QueryRow(`SELECT o.id, o.status, o.attempts FROM outboxes o JOIN cases c ON c.id = o.case_id
		WHERE c.number = ? AND o.channel = 'wecom_robot' ORDER BY o.id LIMIT 1`, number).Scan(&r.ID, &r.Status, &r.Attempts)
	if err != nil {
		t.Fatalf("%s: robot row: %v", number, err)
	}
	return r
}

// waitStatus waits until the robot row of number has status.
func (o *solo) waitStatus(t *testing.T, number, status string) outboxRow {
	t.Helper()
	var r outboxRow
	eventually(t, 60*time.Second, func() bool {
		r = o.robotRow(t, number)
		return r.Status == status
	}, func() string { return fmt.Sprintf("%s: robot row %+v, want %s", number, r, status) })
	return r
}

// attempts returns the recorded attempts of row id: "ok" or "http N: error".
func (o *solo) attempts(t *testing.T, id uint64) []string {
	t.Helper()
	rows, err := o.db.Query("SELECT ok, status, error FROM delivery_attempts WHERE outbox_id = ? ORDER BY id", id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var ok bool
		var status int
		var msg string
		_ = rows.Scan(&ok, &status, &msg)
		if ok {
			out = append(out, "ok")
		} else {
			out = append(out, fmt.Sprintf("http %d: %s", status, msg))
		}
	}
	return out
}

// casesOf counts the cases of a resident.
func (o *solo) casesOf(t *testing.T, openID string) int {
	return queryInt(t, o.db, "SELECT COUNT(*) FROM cases WHERE resident_id = ?", openID)
}
