package bot

import (
	"encoding/json"
	"net/http"
	"time"
)

// ReadErrcode judges a platform answer of the form {"errcode":…,"errmsg":…}
// by its HTTP status first, never trusting a 200 alone. done reports that
// the answer is decided: err is then nil (errcode 0) or the error to
// return (429 → RetryAfterError after wait, 5xx/408 retryable, other
// non-2xx permanent, no errcode retryable). Otherwise e holds the errcode
// and the raw errmsg for the caller to scrub and classify.
func ReadErrcode(e *APIError, status int, data []byte, wait time.Duration) (done bool, err error) {
	switch {
	case status == http.StatusTooManyRequests:
		e.Msg = "too many requests"
		return true, &RetryAfterError{After: wait, Err: e}
	case status >= 500 || status == http.StatusRequestTimeout:
		e.Msg = "server error"
		return true, e
	case status >= 300:
		e.Msg, e.Permanent = "unexpected http status", true
		return true, e
	}
	var ans struct {
		ErrCode *int   `json:"errcode"`
		ErrMsg  string `json:"errmsg"`
	}
	if err := json.Unmarshal(data, &ans); err != nil || ans.ErrCode == nil {
		e.Msg = "answer without errcode"
		return true, e
	}
	if *ans.ErrCode == 0 {
		return true, nil
	}
	e.Code, e.Msg = *ans.ErrCode, ans.ErrMsg
	return false, nil
}
