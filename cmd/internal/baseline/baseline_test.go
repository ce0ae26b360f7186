package baseline

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"tapline/bot/simclient"
)

const (
	testAppID  = "wxbaseline00000001"
	testToken  = "baseline-token"
	testAESKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
)

func TestEveryBaselineAnswersASignedEncryptedMessage(t *testing.T) {
	m := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	t.Cleanup(func() { _ = rdb.Close() })
	db, err := OpenDB("", filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		kind Kind
		want string
	}{
		{Gin, ""}, {OA, "水压很小"}, {OARedis, "水压很小"}, {OARedisInsert, "水压很小"},
	} {
		t.Run(tc.kind.String(), func(t *testing.T) {
			h, err := Handler(Config{Kind: tc.kind, AppID: testAppID, Token: testToken, EncodingAESKey: testAESKey,
				Redis: rdb, DB: db, KeyPrefix: "bl:"})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(h)
			defer srv.Close()
			c := &simclient.Client{URL: srv.URL + "/webhooks/wechat", Token: testToken, AppID: testAppID,
				EncodingAESKey: testAESKey, OA: "gh_test"}
			r, err := c.Send(context.Background(), simclient.Text("o-1", 1, "水压很小"))
			if err != nil || r.Status != 200 || r.Text != tc.want {
				t.Fatalf("got %+v, %v; want reply %q", r, err, tc.want)
			}
		})
	}
	if got := m.Exists("bl:o-1"); !got {
		t.Error("baseline (3) did not SET its key")
	}
	var n int64
	if err := db.Model(&Row{}).Count(&n).Error; err != nil || n != 1 {
		t.Errorf("baseline (4) rows = %d, %v; want 1", n, err)
	}
}

func TestHandlerRefusesMissingBackends(t *testing.T) {
	for _, k := range []Kind{OARedis, OARedisInsert, 0, 5} {
		if _, err := Handler(Config{Kind: k}); err == nil {
			t.Errorf("kind %d without backends: no error", k)
		}
	}
}
