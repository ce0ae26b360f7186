package main

import (
	"bytes"
	"context"
	"testing"

	"tapline/bot/dialog/corpus"
	"tapline/bot/redisstore/redistest"
	"tapline/models/store"
	"tapline/models/store/storetest"
)

// testDesk wires the desk on the test database and Redis: the real MariaDB
// and Redis when TAPLINE_TEST_MYSQL_DSN and TAPLINE_TEST_REDIS_ADDR are
// set, else SQLite and an in-process Redis.
func testDesk(t *testing.T) *deskStack {
	t.Helper()
	clock := &stepClock{now: corpusStart}
	db := storetest.OpenConfig(t, store.Config{Now: clock.Now})
	rdb, prefix := redistest.New(t)
	d, err := newDeskStack(db, rdb, prefix, "../../configs/policy.yaml", "../../configs/dialog.yaml", clock)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestCorpus replays the whole conversation corpus through the resident
// desk and prints the dialog report.
func TestCorpus(t *testing.T) {
	convs, err := corpus.Load("../../bot/dialog/testdata/corpus")
	if err != nil {
		t.Fatal(err)
	}
	results := playCorpus(context.Background(), testDesk(t), convs, "test")
	var out bytes.Buffer
	report := corpus.Summarise("corpus", results)
	report.Print(&out, testing.Verbose())
	t.Log("\n" + out.String())
	for _, r := range results {
		if r.Err != nil {
			t.Errorf("%s: %v", r.Conv.ID, r.Err)
		}
	}
}
