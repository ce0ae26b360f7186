package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"tapline/bot/download"
	"tapline/models"
)

type memFileStore map[uint64]*models.StoredFile

func (m memFileStore) SaveFile(context.Context, *models.StoredFile) error { return nil }
func (m memFileStore) FindFile(_ context.Context, id uint64) (*models.StoredFile, error) {
	if f, ok := m[id]; ok {
		return f, nil
	}
	return nil, models.Errorf(models.ENOTFOUND, "no file")
}

type fixedClock time.Time

func (f fixedClock) Now() time.Time { return time.Time(f) }

// TestSignedFileLinks: a good link serves the file with its name; a
// tampered, foreign or expired link is refused with the reason.
func TestSignedFileLinks(t *testing.T) {
	now := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	signer := download.NewSigner("s3cret-for-links", "")
	files := memFileStore{7: {ID: 7, Name: "投诉台账-2026-10.xlsx", Mime: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Content: []byte("PK..")}}
	h := New(Deps{Logger: slog.New(slog.DiscardHandler), Ready: map[string]Checker{}, Clock: fixedClock(now),
		FileLinks: &Files{Store: files, Signer: signer}})
	get := func(path string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		return w
	}
	good := signer.URL(7, now.Add(time.Hour))
	w := get(good)
	if w.Code != 200 || w.Body.String() != "PK.." || !strings.Contains(w.Header().Get("Content-Disposition"), url.PathEscape("投诉台账")) {
		t.Fatalf("good link: %d %q %v", w.Code, w.Body.String(), w.Header())
	}
	u, _ := url.Parse(good)
	q := u.Query()
	for name, c := range map[string]struct {
		path string
		code int
		want string
	}{
		"other file": {"/files/8?" + q.Encode(), 403, "签名"},
		"no sig":     {"/files/7?exp=" + q.Get("exp"), 403, "签名"},
		"expired":    {signer.URL(7, now.Add(-time.Minute)), 403, "过期"},
		"junk id":    {"/files/x?" + q.Encode(), 404, "没有"},
		"gone":       {signer.URL(9, now.Add(time.Hour)), 404, "不存在"},
	} {
		if w := get(c.path); w.Code != c.code || !strings.Contains(w.Body.String(), c.want) {
			t.Errorf("%s: %d %q", name, w.Code, w.Body.String())
		}
	}
}
