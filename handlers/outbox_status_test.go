package handlers

import (
	"strings"
	"testing"

	"tapline/models"
)

// TestOutboxStatusesAreTheCode: the document's outbox statuses are
// models.OutboxStatuses.
func TestOutboxStatusesAreTheCode(t *testing.T) {
	doc := loadDoc(t)
	var got []string
	for _, v := range doc.Components.Schemas["OutboxStatus"].Value.Enum {
		got = append(got, v.(string))
	}
	if strings.Join(got, ",") != strings.Join(models.OutboxStatuses, ",") {
		t.Fatalf("openapi.yaml outbox statuses %v, code %v", got, models.OutboxStatuses)
	}
}
