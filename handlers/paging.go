package handlers

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"tapline/models"
)

// Lists page with an opaque cursor: the position (created_at, id) of the
// last row shown, so rows filed meanwhile shift nothing. The answer's
// "next" (and a Link header, rel="next") is the same request with the
// cursor of the following page; absent on the last page.

// cursorJSON is what a cursor encodes.
type cursorJSON struct {
	At int64  `json:"t"` // created_at, Unix milliseconds
	ID uint64 `json:"i"`
}

// encodeCursor returns the cursor after row (created at, id).
func encodeCursor(at time.Time, id uint64) string {
	b, _ := json.Marshal(cursorJSON{At: at.UnixMilli(), ID: id})
	return base64.RawURLEncoding.EncodeToString(b)
}

// page reads ?cursor= and ?limit= (default 50, at most 500).
func page(c *gin.Context) (*models.Cursor, int, error) {
	limit, err := intParam(c, "limit", 50)
	if err != nil {
		return nil, 0, err
	}
	if limit < 1 || limit > 500 {
		return nil, 0, invalid("limit", "每页 1 到 500 条")
	}
	raw := c.Query("cursor")
	if raw == "" {
		return nil, limit, nil
	}
	var cj cursorJSON
	b, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil || len(raw) > 100 || json.Unmarshal(b, &cj) != nil || cj.ID == 0 {
		return nil, 0, invalid("cursor", "不是本接口给出的 cursor：请用上一页答复中的 next 链接")
	}
	return &models.Cursor{CreatedAt: time.UnixMilli(cj.At).UTC(), ID: cj.ID}, limit, nil
}

// nextLink returns the link to the page after a full page whose last row
// is (at, id), and sets the Link header; "" when the page was not full.
func nextLink(c *gin.Context, n, limit int, at time.Time, id uint64) string {
	if n < limit {
		return ""
	}
	q := c.Request.URL.Query()
	q.Set("cursor", encodeCursor(at, id))
	link := c.Request.URL.Path + "?" + q.Encode()
	c.Header("Link", "<"+link+`>; rel="next"`)
	return link
}

// intParam reads a non-negative integer query parameter.
func intParam(c *gin.Context, name string, def int) (int, error) {
	v := c.Query(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, invalid(name, fmt.Sprintf("%q 不是非负整数", v))
	}
	return n, nil
}

// decodeBody reads a JSON request body into v, refusing unknown fields,
// wrong types, trailing data and an empty body (unless optional).
func decodeBody(c *gin.Context, v any, optional bool) error {
	dec := json.NewDecoder(c.Request.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	var te *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF) && optional:
		return nil
	case errors.Is(err, io.EOF):
		return invalid("body", "请求体为空：需要 JSON 对象")
	case errors.As(err, &te):
		return invalid(te.Field, fmt.Sprintf("类型不对：应为 %s", te.Type.String()))
	case err != nil && strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return invalid(name, "没有这个字段")
	case err != nil && strings.Contains(err.Error(), "request body too large"):
		return models.Errorf(models.EINVALID, "请求体超过 1 MiB。")
	case err != nil:
		return invalid("body", "不是有效的 JSON："+err.Error())
	}
	if dec.More() {
		return invalid("body", "JSON 对象之后还有多余的内容")
	}
	return nil
}
