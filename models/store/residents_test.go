package store_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"tapline/models"
)

func TestResidentUpsert(t *testing.T) {
	db, clk := openClocked(t)
	ctx := context.Background()
	r := &models.Resident{OpenID: "o-1", Name: "张三", Phone: "13800001234", Address: "幸福路 1 号", LastSeen: t0}
	if err := db.SaveResident(ctx, r); err != nil {
		t.Fatal(err)
	}
	clk.Add(time.Hour)
	r2 := &models.Resident{OpenID: "o-1", Name: "张三丰", Phone: "13900001234", LastSeen: t0.Add(time.Hour)}
	if err := db.SaveResident(ctx, r2); err != nil {
		t.Fatal(err)
	}
	got, err := db.FindResident(ctx, "o-1")
	if err != nil || got.Name != "张三丰" || got.Phone != "13900001234" || got.Address != "" ||
		!got.LastSeen.Equal(t0.Add(time.Hour).Truncate(time.Millisecond)) ||
		!got.UpdatedAt.Equal(clk.Now().Truncate(time.Millisecond)) {
		t.Fatalf("FindResident = %+v, %v", got, err)
	}
}

func TestRecordInbound(t *testing.T) {
	db, _ := openClocked(t)
	ctx := context.Background()
	raw := "<xml><Content><![CDATA[" + strings.Repeat("停水了吗？💧", 20000) + "]]></Content></xml>"
	m := &models.InboundMessage{Platform: "wechat", DedupeKey: "o-1:123", Sender: "o-1", Raw: raw}
	if err := db.RecordInbound(ctx, m); err != nil {
		t.Fatal(err)
	}
	if m.ID == 0 || !m.ReceivedAt.Equal(t0.Truncate(time.Millisecond)) {
		t.Fatalf("recorded = id %d at %v", m.ID, m.ReceivedAt)
	}
	// The dedupe key is unique (issue 13): the same delivery again is
	// refused, and released it is recorded anew, the first row kept.
	again := &models.InboundMessage{Platform: "wechat", DedupeKey: "o-1:123", Sender: "o-1", Raw: raw}
	wantCode(t, db.RecordInbound(ctx, again), models.ECONFLICT)
	if err := db.ReleaseInbound(ctx, "o-1:123"); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordInbound(ctx, again); err != nil {
		t.Fatalf("after release: %v", err)
	}
	var rows []models.InboundMessage
	if err := db.Gorm().WithContext(ctx).Order("id").Find(&rows).Error; err != nil || len(rows) != 2 || rows[1].Raw != raw {
		t.Fatalf("inbound rows = %d, %v; raw kept verbatim: %v", len(rows), err, len(rows) == 2 && rows[1].Raw == raw)
	}
	if want := "o-1:123#" + strconv.FormatUint(rows[0].ID, 10); rows[0].DedupeKey != want || rows[1].DedupeKey != "o-1:123" {
		t.Fatalf("keys %q %q, want %q and the original", rows[0].DedupeKey, rows[1].DedupeKey, want)
	}
}
