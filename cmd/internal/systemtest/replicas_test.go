package systemtest

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"tapline/bot/simclient"
)

// cluster is several server processes on one database and one Redis.
type cluster struct {
	servers []*server
	dsn     string
	robot   *fakeRobot
}

// startCluster starts n replicas (role all) at the same time, as a
// deployment does, with department robots pointed at robot.
func startCluster(t *testing.T, n int, robot *fakeRobot, extra map[string]string) *cluster {
	t.Helper()
	rds := startRedis(t)
	c := &cluster{dsn: database(t), robot: robot}
	env := serverEnv(c.dsn, rds.Addr())
	env["TAPLINE_POLICY_FILE"] = policyWithRobots(t)
	env["TAPLINE_WECOM_API_BASE"] = robot.srv.URL
	for k, v := range extra {
		env[k] = v
	}
	c.servers = make([]*server, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { c.servers[i] = startServer(t, fmt.Sprintf("replica-%d", i+1), env) })
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	return c
}

// two returns two different replicas at random.
func (c *cluster) two() (*server, *server) {
	i := rand.IntN(len(c.servers))
	j := (i + 1 + rand.IntN(len(c.servers)-1)) % len(c.servers)
	return c.servers[i], c.servers[j]
}

// metric sums a Prometheus counter over every replica.
func (c *cluster) metric(t *testing.T, name string) int {
	t.Helper()
	total := 0
	for _, s := range c.servers {
		req, _ := http.NewRequest(http.MethodGet, s.Base+"/metrics", nil)
		req.Header.Set("Authorization", "Bearer "+metricsToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, name+"{") || strings.HasPrefix(line, name+" ") {
				f := strings.Fields(line)
				v, _ := strconv.ParseFloat(f[len(f)-1], 64)
				total += int(v)
			}
		}
		resp.Body.Close()
	}
	return total
}

// deliver sends m to a, and when retry is set the same message (same
// MsgId: WeChat's retry) to b at the same time, while the first is in
// flight. It returns the non-empty replies.
func deliver(ctx context.Context, t *testing.T, a, b *server, m simclient.Message, retry bool) []string {
	t.Helper()
	targets := []*server{a}
	if retry {
		targets = append(targets, b)
	}
	replies := make([]string, len(targets))
	var wg sync.WaitGroup
	for i, s := range targets {
		wg.Go(func() {
			r, err := wechat(s).Send(ctx, m)
			if err != nil || r.Status != 200 {
				t.Errorf("%s: %q: %v %+v", s.name, m.Content, err, r)
				return
			}
			replies[i] = r.Text
		})
	}
	wg.Wait()
	var out []string
	for _, r := range replies {
		if r != "" {
			out = append(out, r)
		}
	}
	return out
}

// TestReplicas runs three replicas on one MariaDB and one Redis under a
// mixed workload: residents filing (each message to a random replica, many
// retried at once to another replica), crews accepting the same case on
// two replicas at once, a leader's approval pressed on two replicas at
// once. Every message must be handled once, every case and card created
// once and every card delivered once.
func TestReplicas(t *testing.T) {
	robot := newFakeRobot(t, nil)
	c := startCluster(t, 3, robot, nil)
	ctx := ctxT(t)
	const residents = 24
	var retries atomic.Int64
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for i := range residents {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			openID := "o-sys-" + randomHex(6)
			steps := []string{complaint(i), "确认"}
			for k, text := range steps {
				a, b := c.two()
				retry := (i+k)%2 == 0
				if retry {
					retries.Add(1)
				}
				got := deliver(ctx, t, a, b, simclient.Text(openID, int64(k+1), text), retry)
				// A retry repeats the first reply (WeChat shows the answer
				// to the attempt it still waits for); it never differs.
				if len(got) > 1 && got[0] != got[1] {
					t.Errorf("resident %d step %d answered differently: %q", i, k, got)
				}
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	db := openDB(t, c.dsn)
	if n := queryInt(t, db, "SELECT COUNT(*) FROM cases"); n != residents {
		t.Fatalf("cases: %d, want %d (one per resident)", n, residents)
	}
	if n := queryInt(t, db, "SELECT COUNT(DISTINCT resident_id) FROM cases"); n != residents {
		t.Fatalf("residents with a case: %d, want %d", n, residents)
	}
	staffRound(ctx, t, c, db)
	checkHandledOnce(t, c, db, int(retries.Load()))
	checkCardsOnce(t, c, db)
}
