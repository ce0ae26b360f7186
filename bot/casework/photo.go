package casework

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"tapline/bot"
	"tapline/models"
)

// photoRef is the Text of a photo event: the note it belongs to and the
// image.
type photoRef struct {
	NoteEventID uint64 `json:"note_event_id"`
	models.Attachment
}

// attachPhoto attaches a photo to the sender's progress note of the last
// few minutes (PRODUCT B3 "with photos"), as its own immutable event.
func (s *Service) attachPhoto(ctx context.Context, a Actor, u bot.Update) (bot.Reply, error) {
	since := s.clock.Now().Add(-s.photoWindow)
	note, err := s.work.LastEventBy(ctx, a.ID, ActNote, since)
	switch models.ErrorCode(err) {
	case "":
	case models.ENOTFOUND:
		return text(fmt.Sprintf("照片需要附在进展上：请先发送「进展 编号 说明」，再在 %d 分钟内发送照片。",
			int(s.photoWindow.Minutes()))), nil
	default:
		return text(txtUnavailable), fmt.Errorf("casework: photo: %w", err)
	}
	ref, err := json.Marshal(photoRef{NoteEventID: note.ID,
		Attachment: models.Attachment{Kind: "image", MediaID: u.MediaID, URL: u.PicURL}})
	if err != nil {
		return text(txtUnavailable), fmt.Errorf("casework: photo: %w", err)
	}
	for range applyAttempts {
		c, err := s.work.FindCaseByID(ctx, note.CaseID)
		if err != nil {
			return text(txtUnavailable), fmt.Errorf("casework: photo: %w", err)
		}
		if !slices.Contains(table[ActNote].From, c.Status) {
			return text(fmt.Sprintf("投诉 %s 当前「%s」，不能再附照片。", c.Number, StatusName(c.Status))), nil
		}
		t := &models.Transition{CaseID: c.ID, Version: c.Version, ToStatus: c.Status,
			Event: models.CaseEvent{Type: EventPhoto, Actor: a.ID, Role: a.Role, Channel: a.Platform,
				FromStatus: c.Status, ToStatus: c.Status, Text: string(ref)}}
		_, err = s.work.Apply(ctx, t)
		if models.ErrorCode(err) == models.ECONFLICT {
			continue
		}
		if err != nil {
			return text(txtUnavailable), fmt.Errorf("casework: photo: %w", err)
		}
		return text(fmt.Sprintf("照片已附到投诉 %s 的进展「%s」。", c.Number, models.Ellipsis(note.Text, 20))), nil
	}
	return text(txtBusy), nil
}
