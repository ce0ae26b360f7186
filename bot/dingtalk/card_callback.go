package dingtalk

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode"

	"tapline/bot"
)

// EventCardClick is the Update.Event of a card button click, the same as
// a WeCom app card click: casework reads Update.EventKey as the button key.
const EventCardClick = "card_click"

// ParamReply is the template's private variable showing the clicking
// person the answer to their click (userPrivateData).
const ParamReply = "reply"

// maxKeyLen bounds a button key taken from a callback.
const maxKeyLen = 128

// ErrCallbackToken is a card callback without the configured token.
var ErrCallbackToken = errors.New("dingtalk card callback: token missing or wrong")

// CardClick is one decoded card button click.
type CardClick struct {
	Update     bot.Update
	OutTrackID string
	Raw        []byte
}

// cardCallback is the body of a card callback (HTTP route or Stream topic
// /v1.0/card/instances/callback); content is a JSON string holding
// cardPrivateData {actionIds, params}.
type cardCallback struct {
	CorpID     string `json:"corpId"`
	OutTrackID string `json:"outTrackId"`
	UserID     string `json:"userId"`
	SpaceType  string `json:"spaceType"`
	SpaceID    string `json:"spaceId"`
	Type       string `json:"type"`
	Content    string `json:"content"`
}

type cardAction struct {
	CardPrivateData struct {
		ActionIDs []string       `json:"actionIds"`
		Params    map[string]any `json:"params"`
	} `json:"cardPrivateData"`
}

// CheckCallbackToken compares the token query parameter of an HTTP card
// callback with want in constant time. DingTalk's signing of HTTP card
// callbacks is not documented where we could read it, so the registered
// callback URL carries a secret token (RegisterCallback) and a request
// without it is refused; an empty want refuses everything.
func CheckCallbackToken(q url.Values, want string) error {
	got := q.Get("token")
	if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return ErrCallbackToken
	}
	return nil
}

// DecodeCardClick decodes a card callback to the Update a WeCom card click
// produces: Event card_click, EventKey the button key (params.key), the
// clicking staff user as sender, TaskID the card's outTrackId and
// ResponseCode the card channel target that updates this card. MsgID is
// derived from card, person and key, so a retried callback and a second
// click of the same button by the same person are one delivery.
func DecodeCardClick(body []byte) (*CardClick, error) {
	var cb cardCallback
	if err := json.Unmarshal(body, &cb); err != nil {
		return nil, fmt.Errorf("%w: card callback: %v", ErrMalformed, err)
	}
	var act cardAction
	if err := json.Unmarshal([]byte(cb.Content), &act); err != nil {
		return nil, fmt.Errorf("%w: card callback content: %v", ErrMalformed, err)
	}
	key := buttonKey(act)
	switch {
	case cb.OutTrackID == "" || cb.UserID == "":
		return nil, fmt.Errorf("%w: card callback without outTrackId or userId", ErrMalformed)
	case key == "":
		return nil, fmt.Errorf("%w: card callback without a button key", ErrMalformed)
	}
	sum := sha256.Sum256([]byte(cb.OutTrackID + "\x00" + cb.UserID + "\x00" + key))
	u := bot.Update{Platform: bot.PlatformDingTalk, Kind: bot.KindEvent, Event: EventCardClick, EventKey: key,
		SenderID: cb.UserID, MsgID: "card-" + hex.EncodeToString(sum[:12]), ChatType: "single",
		TaskID: cb.OutTrackID, ResponseCode: CardTargetCard + cb.OutTrackID}
	if strings.EqualFold(cb.SpaceType, "IM_GROUP") || strings.HasPrefix(cb.SpaceID, "cid") {
		u.ChatType, u.ChatID = "group", strings.TrimPrefix(cb.SpaceID, "dtv1.card//IM_GROUP.")
	}
	return &CardClick{Update: u, OutTrackID: cb.OutTrackID, Raw: body}, nil
}

// buttonKey is params.key, else the first action ID when it looks like a
// key ("accept:TS…"); a key with control characters or too long is none.
func buttonKey(act cardAction) string {
	key, _ := act.CardPrivateData.Params[ParamKey].(string)
	if key == "" && len(act.CardPrivateData.ActionIDs) > 0 && strings.Contains(act.CardPrivateData.ActionIDs[0], ":") {
		key = act.CardPrivateData.ActionIDs[0]
	}
	key = strings.TrimSpace(key)
	if len(key) > maxKeyLen || strings.IndexFunc(key, unicode.IsControl) >= 0 {
		return ""
	}
	return key
}

// CardResponse is the answer to a card callback: the reply shown to the
// clicking person only (their private data), the card's shared data
// untouched; the card changes for everyone through the outbox.
type CardResponse struct {
	CardUpdateOptions map[string]bool `json:"cardUpdateOptions"`
	UserPrivateData   cardData        `json:"userPrivateData"`
}

// ClickResponse is the callback answer showing r's text to the clicker;
// with nothing to show (a redelivered click, whose reply was given the
// first time) it is an empty answer that changes nothing on the card.
func ClickResponse(r bot.Reply) any {
	text := strings.TrimSpace(r.Text)
	if text == "" && r.Card != nil {
		text = clean(r.Card.Status)
	}
	if text == "" {
		return struct{}{}
	}
	return CardResponse{
		CardUpdateOptions: map[string]bool{"updatePrivateDataByKey": true},
		UserPrivateData:   cardData{CardParamMap: map[string]string{ParamReply: truncateRunes(text, 500)}},
	}
}
