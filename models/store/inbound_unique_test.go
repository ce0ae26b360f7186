package store_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"tapline/models"
	"tapline/models/store"
	"tapline/models/store/storetest"
)

// Issue 13 item 4: the raw record's dedupe key is unique, so a delivery
// replayed after Redis forgot it cannot be taken again: the second record
// of a key is ECONFLICT, through either writer, even at once.
func TestInboundDedupeKeyIsUnique(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	b := store.NewInboundBatcher(db)
	if err := db.RecordInbound(ctx, &models.InboundMessage{Platform: "dingtalk", DedupeKey: "dingtalk:s1:m1", Raw: "a"}); err != nil {
		t.Fatal(err)
	}
	for name, rec := range map[string]models.InboundService{"store": db, "batcher": b} {
		err := rec.RecordInbound(ctx, &models.InboundMessage{Platform: "dingtalk", DedupeKey: "dingtalk:s1:m1", Raw: "replayed"})
		wantCode(t, err, models.ECONFLICT)
		if !strings.Contains(models.ErrorMessage(err), "already") {
			t.Errorf("%s: message %q", name, models.ErrorMessage(err))
		}
	}
	var ok atomic.Int32
	var wg sync.WaitGroup
	for range 12 {
		wg.Go(func() {
			err := b.RecordInbound(ctx, &models.InboundMessage{Platform: "wechat", DedupeKey: "wechat:o1:7", Raw: "x"})
			switch models.ErrorCode(err) {
			case "":
				ok.Add(1)
			case models.ECONFLICT:
			default:
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if ok.Load() != 1 {
		t.Fatalf("%d of 12 concurrent records of one key succeeded", ok.Load())
	}
	var n int64
	if err := db.Gorm().Table("inbound_messages").Count(&n).Error; err != nil || n != 2 {
		t.Fatalf("%d rows, %v", n, err)
	}
}

// A database an earlier version filled — duplicate keys under the old
// plain index — migrates: every row is kept, the later duplicates get
// their ID appended to the key, the old index gives way to the unique one,
// and a second migrate changes nothing.
func TestMigrateMakesInboundKeyUniqueOnExistingData(t *testing.T) {
	db := storetest.Open(t)
	ctx := context.Background()
	g := db.Gorm()
	m := g.Migrator()
	for _, ix := range []string{"uniq_inbound_dedupe_key", "idx_inbound_messages_dedupe_key"} {
		if m.HasIndex(&models.InboundMessage{}, ix) {
			if err := m.DropIndex(&models.InboundMessage{}, ix); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := g.Exec("CREATE INDEX idx_inbound_messages_dedupe_key ON inbound_messages (dedupe_key)").Error; err != nil {
		t.Fatal(err)
	}
	keys := []string{"wechat:o1:1", "wechat:o1:1", "dingtalk:s:m", "wechat:o1:1", "dingtalk:s:m", "wechat:o2:9"}
	for i, k := range keys {
		if err := g.Exec("INSERT INTO inbound_messages (platform, dedupe_key, sender, raw, received_at) VALUES (?, ?, ?, ?, ?)",
			"wechat", k, "o", "raw "+strconv.Itoa(i), t0).Error; err != nil {
			t.Fatal(err)
		}
	}
	for range 2 {
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
	}
	var rows []models.InboundMessage
	if err := g.Order("id").Find(&rows).Error; err != nil || len(rows) != len(keys) {
		t.Fatalf("%d rows after migrate, %v", len(rows), err)
	}
	seen := map[string]bool{}
	for i, r := range rows {
		want := keys[i]
		if seen[want] {
			want += "#" + strconv.FormatUint(r.ID, 10)
		}
		seen[keys[i]] = true
		if r.DedupeKey != want || r.Raw != "raw "+strconv.Itoa(i) {
			t.Errorf("row %d: key %q raw %q, want key %q", r.ID, r.DedupeKey, r.Raw, want)
		}
	}
	if !m.HasIndex(&models.InboundMessage{}, "uniq_inbound_dedupe_key") || m.HasIndex(&models.InboundMessage{}, "idx_inbound_messages_dedupe_key") {
		t.Fatal("the unique index did not replace the old one")
	}
	err := db.RecordInbound(ctx, &models.InboundMessage{Platform: "wechat", DedupeKey: "wechat:o1:1", Raw: "again"})
	wantCode(t, err, models.ECONFLICT)
}
