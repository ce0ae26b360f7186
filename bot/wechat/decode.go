package wechat

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"tapline/bot"
)

// wireMsg is every field Tapline reads from an inbound message, in both the
// XML and the JSON push formats. Encrypt is set on AES envelopes.
type wireMsg struct {
	XMLName      xml.Name   `xml:"xml" json:"-"`
	ToUserName   string     `xml:"ToUserName" json:"ToUserName"`
	FromUserName string     `xml:"FromUserName" json:"FromUserName"`
	CreateTime   flexInt    `xml:"CreateTime" json:"CreateTime"`
	MsgType      string     `xml:"MsgType" json:"MsgType"`
	MsgID        flexString `xml:"MsgId" json:"MsgId"`
	Content      string     `xml:"Content" json:"Content"`
	Recognition  string     `xml:"Recognition" json:"Recognition"`
	PicURL       string     `xml:"PicUrl" json:"PicUrl"`
	MediaID      string     `xml:"MediaId" json:"MediaId"`
	LocationX    flexFloat  `xml:"Location_X" json:"Location_X"`
	LocationY    flexFloat  `xml:"Location_Y" json:"Location_Y"`
	Label        string     `xml:"Label" json:"Label"`
	Event        string     `xml:"Event" json:"Event"`
	EventKey     string     `xml:"EventKey" json:"EventKey"`
	Latitude     flexFloat  `xml:"Latitude" json:"Latitude"`
	Longitude    flexFloat  `xml:"Longitude" json:"Longitude"`
	Encrypt      string     `xml:"Encrypt" json:"Encrypt"`
}

// decodeWire parses an XML or JSON message body.
func decodeWire(body []byte, isJSON bool) (*wireMsg, error) {
	var m wireMsg
	var err error
	if isJSON {
		err = json.Unmarshal(body, &m)
	} else {
		err = xml.Unmarshal(body, &m)
	}
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", formatName(isJSON), errors.Join(ErrMalformed, err))
	}
	return &m, nil
}

// looksJSON reports whether the body is JSON: by Content-Type, or by its
// first non-space byte (a decrypted payload has no Content-Type).
func looksJSON(contentType string, body []byte) bool {
	ct := strings.ToLower(strings.TrimSpace(contentType))
	if strings.HasPrefix(ct, "application/json") {
		return true
	}
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	return len(trimmed) > 0 && trimmed[0] == '{'
}

func formatName(isJSON bool) string {
	if isJSON {
		return "json"
	}
	return "xml"
}

// toUpdate maps a decoded message to the neutral bot.Update.
func (m *wireMsg) toUpdate() bot.Update {
	u := bot.Update{
		Platform: bot.PlatformWeChat,
		SenderID: m.FromUserName,
		MsgID:    string(m.MsgID),
	}
	if u.MsgID == "0" {
		u.MsgID = ""
	}
	if m.CreateTime != 0 {
		u.At = time.Unix(int64(m.CreateTime), 0).UTC()
	}
	switch m.MsgType {
	case "text":
		u.Kind, u.Text = bot.KindText, m.Content
	case "image":
		u.Kind, u.MediaID, u.PicURL = bot.KindImage, m.MediaID, m.PicURL
	case "voice":
		// Text is the speech-recognition result when the OA has it enabled.
		u.Kind, u.MediaID, u.Text = bot.KindVoice, m.MediaID, m.Recognition
	case "location":
		u.Kind, u.Label = bot.KindLocation, m.Label
		u.Lat, u.Lng = float64(m.LocationX), float64(m.LocationY)
	case "event":
		u.Kind, u.Event, u.EventKey = bot.KindEvent, m.Event, m.EventKey
		if strings.EqualFold(m.Event, "LOCATION") {
			u.Lat, u.Lng = float64(m.Latitude), float64(m.Longitude)
		}
	default: // video, shortvideo, link, file …
		u.Kind, u.MediaID = bot.KindOther, m.MediaID
	}
	return u
}

// flexInt is an integer sent as XML text, a JSON number or a JSON string.
type flexInt int64

// UnmarshalText implements encoding.TextUnmarshaler.
func (n *flexInt) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "" {
		*n = 0
		return nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("integer %q: %w", s, err)
	}
	*n = flexInt(v)
	return nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (n *flexInt) UnmarshalJSON(b []byte) error { return n.UnmarshalText(unquoteJSON(b)) }

// flexFloat is a finite float sent as XML text, a JSON number or a JSON string.
type flexFloat float64

// UnmarshalText implements encoding.TextUnmarshaler.
func (f *flexFloat) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "" {
		*f = 0
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("number %q is not a finite float", s)
	}
	*f = flexFloat(v)
	return nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (f *flexFloat) UnmarshalJSON(b []byte) error { return f.UnmarshalText(unquoteJSON(b)) }

// flexString keeps a 64-bit ID exactly, whether sent as text, number or string.
type flexString string

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *flexString) UnmarshalText(b []byte) error {
	*s = flexString(strings.TrimSpace(string(b)))
	return nil
}

// UnmarshalJSON implements json.Unmarshaler; objects and arrays are rejected.
func (s *flexString) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && (b[0] == '{' || b[0] == '[') {
		return errors.New("id must be a string or a number")
	}
	return s.UnmarshalText(unquoteJSON(b))
}

// unquoteJSON returns the content of a JSON string literal, the raw text of
// any other literal, and nothing for null.
func unquoteJSON(b []byte) []byte {
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if json.Unmarshal(b, &s) == nil {
			return []byte(s)
		}
	}
	return b
}
