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
// desk, prints the dialog report and holds it to the targets
// (every slot ≥ 97 %, category ≥ 95 %, every due case filed, major
// precision and recall ≥ 95 %, guidance first for every emergency, no slot
// asked again, no message about an open case starting a new complaint);
// the held-out part must meet them on its own too.
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
	if missed := report.Missed(); len(missed) > 0 {
		t.Errorf("targets missed: %v\n%s", missed, out.String())
	}
	if held := tagged(results, "heldout"); len(held) > 0 {
		if missed := corpus.Summarise("held out", held).Missed(); len(missed) > 0 {
			t.Errorf("held-out targets missed: %v", missed)
		}
	}
}

// TestScriptFollowsTheDialogByKey: the simulator's resident (used by
// "resident", "major" and "load") gets through the dialog as it stands, in
// both scenarios, recognising questions by their text keys.
func TestScriptFollowsTheDialogByKey(t *testing.T) {
	d := testDesk(t)
	for _, scenario := range []string{"ordinary", "emergency"} {
		s := newScript(scenario, d.texts)
		openID := "o-script-" + scenario
		reply, err := d.Say(context.Background(), openID, corpus.Turn{Text: s.opening})
		for turn := 0; err == nil && s.question(reply) != "" && turn < 20; turn++ {
			reply, err = d.Say(context.Background(), openID, corpus.Turn{Text: s.answer(reply)})
		}
		if err != nil {
			t.Fatal(err)
		}
		cs, err := d.Cases(context.Background(), openID)
		if err != nil || len(cs) != 1 {
			t.Fatalf("%s: %d cases (%v); last reply %q", scenario, len(cs), err, reply)
		}
		if c := cs[0]; c.Name != "王建国" || c.Phone != "13812345678" || c.Address == "" {
			t.Errorf("%s: filed %+v", scenario, c)
		}
	}
}
