package wecom

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"tapline/bot"
)

type memFiles map[uint64][]byte

func (m memFiles) ReadFile(_ context.Context, id uint64) (string, []byte, error) {
	b, ok := m[id]
	if !ok {
		return "", nil, errors.New("no such file")
	}
	return "台账-2026-11.xlsx", b, nil
}

// TestRobotSendsFiles checks the robot's file path against a fake of the
// webhook API: a workbook is uploaded (multipart "media") and sent by
// media_id; a chart goes inline as base64 with its md5.
func TestRobotSendsFiles(t *testing.T) {
	var mu sync.Mutex
	var sent []map[string]any
	var uploaded []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("key") != "k1" {
			t.Errorf("key %q", r.URL.Query().Get("key"))
		}
		switch r.URL.Path {
		case "/cgi-bin/webhook/upload_media":
			if r.URL.Query().Get("type") != "file" {
				t.Errorf("upload type %q", r.URL.Query().Get("type"))
			}
			f, hdr, err := r.FormFile("media")
			if err != nil {
				t.Fatalf("upload: %v", err)
			}
			b, _ := io.ReadAll(f)
			mu.Lock()
			uploaded = b
			mu.Unlock()
			if hdr.Filename != "台账-2026-11.xlsx" {
				t.Errorf("filename %q", hdr.Filename)
			}
			_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok","type":"file","media_id":"m-123","created_at":"1"}`)
		case "/cgi-bin/webhook/send":
			var m map[string]any
			_ = json.NewDecoder(r.Body).Decode(&m)
			mu.Lock()
			sent = append(sent, m)
			mu.Unlock()
			_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	book, png := []byte("PK\x03\x04 workbook"), []byte("\x89PNG chart")
	r := NewRobot(WithRobotBaseURL(srv.URL), WithRobotFiles(memFiles{1: book, 2: png}))
	ctx := context.Background()
	if err := r.Send(ctx, "k1", bot.Message{File: &bot.File{ID: 1, Name: "台账"}}); err != nil {
		t.Fatal(err)
	}
	if err := r.Send(ctx, "k1", bot.Message{File: &bot.File{ID: 2, Image: true}}); err != nil {
		t.Fatal(err)
	}
	if string(uploaded) != string(book) || len(sent) != 2 {
		t.Fatalf("uploaded %q, sent %v", uploaded, sent)
	}
	if f := sent[0]["file"].(map[string]any); sent[0]["msgtype"] != "file" || f["media_id"] != "m-123" {
		t.Fatalf("file message %v", sent[0])
	}
	sum := md5.Sum(png)
	img := sent[1]["image"].(map[string]any)
	if sent[1]["msgtype"] != "image" || img["md5"] != hex.EncodeToString(sum[:]) ||
		img["base64"] != base64.StdEncoding.EncodeToString(png) {
		t.Fatalf("image message %v", sent[1])
	}
	err := r.Send(ctx, "k1", bot.Message{File: &bot.File{ID: 9}})
	if err == nil || !strings.Contains(err.Error(), "file 9") {
		t.Fatalf("missing file: %v", err)
	}
}
