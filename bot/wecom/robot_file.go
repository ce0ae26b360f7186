package wecom

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"

	"tapline/bot"
)

// maxRobotImage is the robot's limit for an image message (PLATFORMS.md
// §2.3: base64 + md5, ≤ 2 MB).
const maxRobotImage = 2 << 20

// WithRobotFiles lets the robot send stored files: images inline, other
// files through upload_media.
func WithRobotFiles(src bot.FileSource) RobotOption {
	return func(r *Robot) { r.files = src }
}

// sendFile delivers f: an image of at most 2 MB as an image message, any
// other file uploaded with upload_media (valid three days) and sent as a
// file message.
func (r *Robot) sendFile(ctx context.Context, key string, f *bot.File) error {
	if r.files == nil {
		return fmt.Errorf("wecom robot: no file source: %w", bot.ErrPermanent)
	}
	name, content, err := r.files.ReadFile(ctx, f.ID)
	if err != nil {
		return fmt.Errorf("wecom robot: file %d: %w", f.ID, err)
	}
	if f.Image && len(content) <= maxRobotImage {
		sum := md5.Sum(content)
		return r.post(ctx, key, map[string]any{"msgtype": "image", "image": map[string]string{
			"base64": base64.StdEncoding.EncodeToString(content), "md5": hex.EncodeToString(sum[:])}})
	}
	mediaID, err := r.upload(ctx, key, name, content)
	if err != nil {
		return err
	}
	return r.post(ctx, key, map[string]any{"msgtype": "file", "file": map[string]string{"media_id": mediaID}})
}

// upload sends content to upload_media and returns its media_id.
func (r *Robot) upload(ctx context.Context, key, name string, content []byte) (string, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	part, err := mw.CreateFormFile("media", name)
	if err == nil {
		_, err = part.Write(content)
	}
	if err == nil {
		err = mw.Close()
	}
	if err != nil {
		return "", fmt.Errorf("wecom robot: build upload: %w", bot.ErrPermanent)
	}
	u := r.base + "/cgi-bin/webhook/upload_media?type=file&key=" + url.QueryEscape(key)
	data, status, err := r.do(ctx, key, u, mw.FormDataContentType(), body.Bytes())
	if err != nil {
		return "", err
	}
	if err := r.classify(key, status, data); err != nil {
		return "", err
	}
	var ans struct {
		MediaID string `json:"media_id"`
	}
	if json.Unmarshal(data, &ans) != nil || ans.MediaID == "" {
		return "", &bot.APIError{Op: "wecom robot upload key=" + bot.Mask(key), Status: status, Msg: "no media_id"}
	}
	return ans.MediaID, nil
}

// post sends one JSON message body.
func (r *Robot) post(ctx context.Context, key string, body any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("wecom robot: %w", bot.ErrPermanent)
	}
	data, status, err := r.do(ctx, key, r.base+"/cgi-bin/webhook/send?key="+url.QueryEscape(key), "application/json; charset=utf-8", b)
	if err != nil {
		return err
	}
	return r.classify(key, status, data)
}

// do makes one request and reads a bounded answer.
func (r *Robot) do(ctx context.Context, key, u, contentType string, body []byte) ([]byte, int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return nil, 0, fmt.Errorf("wecom robot key=%s: build request: %w", bot.Mask(key), bot.ErrPermanent)
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, 0, transportError(key, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxErrBody))
	if err != nil {
		return nil, resp.StatusCode, &bot.APIError{Op: "wecom robot key=" + bot.Mask(key), Status: resp.StatusCode, Msg: "read body: " + err.Error()}
	}
	return data, resp.StatusCode, nil
}
