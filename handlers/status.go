package handlers

import (
	"slices"

	"tapline/models"
)

// Statuses lists every case status the API can answer, in lifecycle order
// (policy section 4, then the call-back's archive): the OpenAPI document's
// enum is held to it by a test.
func Statuses() []string {
	return []string{models.StatusReceived, models.StatusAssigned, models.StatusAccepted,
		models.StatusMeasuresProposed, models.StatusNegotiating, models.StatusAgreed, models.StatusResolved,
		models.StatusConfirmed, models.StatusClosed, models.StatusArchived}
}

func isStatus(s string) bool { return slices.Contains(Statuses(), s) }
