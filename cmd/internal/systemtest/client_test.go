package systemtest

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"tapline/bot/simclient"
)

// wechat returns a simclient playing WeChat against s.
func wechat(s *server) *simclient.Client {
	return &simclient.Client{URL: s.Base + "/webhooks/wechat", Token: wxToken, AppID: wxAppID,
		EncodingAESKey: aesKey, OA: "gh_sys"}
}

// wecomApp returns a simclient playing the WeCom app against s.
func wecomApp(s *server) *simclient.WeCom {
	return &simclient.WeCom{URL: s.Base + "/webhooks/wecom", Token: wecomToken, EncodingAESKey: aesKey, CorpID: corpID}
}

// say sends text as openID with msgID to s and returns the passive reply.
func say(ctx context.Context, t testing.TB, s *server, openID string, msgID int64, text string) string {
	t.Helper()
	r, err := wechat(s).Send(ctx, simclient.Text(openID, msgID, text))
	if err != nil || r.Status != 200 {
		t.Fatalf("%s: send %q: %v %+v", s.name, text, err, r)
	}
	return r.Text
}

// readyz returns the status and body of GET /readyz.
func readyz(base string) (int, string) {
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	n, _ := resp.Body.Read(buf)
	b.Write(buf[:n])
	return resp.StatusCode, b.String()
}

// openDB opens the database of dsn for the test's own checks.
func openDB(t testing.TB, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// queryInt runs a query returning one integer.
func queryInt(t testing.TB, db *sql.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// issues rotate over four departments, so that no department robot gets
// more than its 20 messages a minute (the limit would only delay cards).
var issues = []string{"最近晚上水压特别小", "这两天自来水发黄", "水表读数不对，走得太快", "上个月的发票开错了"}

// complaint is a resident's first message with every detail the dialog
// asks for (policy 4.1.4, 4.2.4), so the next answer is the confirmation.
func complaint(i int) string {
	return "你好，我叫" + residentName(i) + "，电话" + fmt.Sprintf("139%08d", 10000+i) + "，住" + street(i) +
		strconv.Itoa(i+1) + "号2栋，" + issues[i%len(issues)] + "，希望尽快解决"
}

// street gives residents with the same issue different streets: three
// households of one street with one issue would be a group complaint
// (policy 4.1.3), flagged major, with the GM approving.
func street(i int) string { return fmt.Sprintf("光明%d路", i/len(issues)) }

// residentName returns a distinct Chinese name for resident i.
func residentName(i int) string {
	family := []rune("王李张刘陈杨赵黄周吴")
	given := []rune("伟芳娜敏静丽强磊军洋")
	return string(family[i%10]) + string(given[(i/10)%10]) + string(given[(i+3)%10])
}
