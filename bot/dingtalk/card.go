package dingtalk

// Interactive cards of DingTalk's card platform (互动卡片): a card is an
// instance of a template built in the developer console, created and
// delivered with POST /v1.0/card/instances/createAndDeliver and changed
// for everyone who sees it with PUT /v1.0/card/instances, both keyed by
// our outTrackId. Field names follow the card_1_0 models of DingTalk's
// generated SDKs (CreateAndDeliverRequest, UpdateCardRequest).

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"tapline/bot"
)

// Space is where a card is delivered: a group (openConversationId) or
// one person's 1:1 chat with the app robot (staff user ID).
type Space struct {
	Group string // openConversationId ("cid…")
	User  string // staff user ID
}

// openSpaceID is the card platform's space ID: dtv1.card//IM_GROUP.<cid>
// or dtv1.card//IM_ROBOT.<userId>.
func (s Space) openSpaceID() string {
	if s.Group != "" {
		return "dtv1.card//IM_GROUP." + s.Group
	}
	return "dtv1.card//IM_ROBOT." + s.User
}

// CardConfig names the template cards are instances of and how their
// button clicks come back.
type CardConfig struct {
	TemplateID string // card template ID from the developer console ("….schema")
	// CallbackRouteKey is the key registered with RegisterCallback (HTTP
	// mode); empty means callbackType STREAM (clicks on the Stream
	// connection, topic /v1.0/card/instances/callback).
	CallbackRouteKey string
}

// cardData is {cardParamMap: {...}}: every value a string.
type cardData struct {
	CardParamMap map[string]string `json:"cardParamMap"`
}

type createAndDeliver struct {
	CardTemplateID   string     `json:"cardTemplateId"`
	OutTrackID       string     `json:"outTrackId"`
	CallbackType     string     `json:"callbackType,omitempty"`
	CallbackRouteKey string     `json:"callbackRouteKey,omitempty"`
	CardData         cardData   `json:"cardData"`
	OpenSpaceID      string     `json:"openSpaceId"`
	UserIDType       int        `json:"userIdType"`
	GroupSpace       *spaceOpts `json:"imGroupOpenSpaceModel,omitempty"`
	GroupDeliver     *deliverTo `json:"imGroupOpenDeliverModel,omitempty"`
	RobotSpace       *spaceOpts `json:"imRobotOpenSpaceModel,omitempty"`
	RobotDeliver     *deliverTo `json:"imRobotOpenDeliverModel,omitempty"`
}

type spaceOpts struct {
	SupportForward bool `json:"supportForward"`
}

type deliverTo struct {
	RobotCode string `json:"robotCode"`
	SpaceType string `json:"spaceType,omitempty"` // IM_ROBOT for 1:1
}

type updateCard struct {
	OutTrackID    string        `json:"outTrackId"`
	CardData      cardData      `json:"cardData"`
	UpdateOptions updateOptions `json:"cardUpdateOptions"`
	UserIDType    int           `json:"userIdType"`
}

type updateOptions struct {
	UpdateCardDataByKey bool `json:"updateCardDataByKey"`
}

// ErrCardExists is returned by CreateAndDeliver when the outTrackId is
// already taken (an earlier attempt got through); ErrCardNotFound by
// UpdateCard when no card has the outTrackId.
var (
	ErrCardExists   = errors.New("dingtalk: card with this outTrackId exists")
	ErrCardNotFound = errors.New("dingtalk: no card with this outTrackId")
)

// CreateAndDeliver creates the card outTrackID from params and delivers
// it to space through the app robot (userIdType 1: staff user IDs).
func (a *OpenAPI) CreateAndDeliver(ctx context.Context, cfg CardConfig, space Space, outTrackID string, params map[string]string) error {
	if cfg.TemplateID == "" || outTrackID == "" || (space.Group == "" && space.User == "") {
		return fmt.Errorf("dingtalk card: template, outTrackId and space are required: %w", bot.ErrPermanent)
	}
	req := createAndDeliver{CardTemplateID: cfg.TemplateID, OutTrackID: outTrackID,
		CardData: cardData{params}, OpenSpaceID: space.openSpaceID(), UserIDType: 1}
	if cfg.CallbackRouteKey != "" {
		req.CallbackRouteKey = cfg.CallbackRouteKey
	} else {
		req.CallbackType = "STREAM"
	}
	if space.Group != "" {
		req.GroupSpace, req.GroupDeliver = &spaceOpts{}, &deliverTo{RobotCode: a.cfg.RobotCode}
	} else {
		req.RobotSpace, req.RobotDeliver = &spaceOpts{}, &deliverTo{RobotCode: a.cfg.RobotCode, SpaceType: "IM_ROBOT"}
	}
	var ans struct {
		Success bool `json:"success"`
		Result  struct {
			DeliverResults []struct {
				Success  bool   `json:"success"`
				SpaceID  string `json:"spaceId"`
				ErrorMsg string `json:"errorMsg"`
			} `json:"deliverResults"`
		} `json:"result"`
	}
	err := a.do(ctx, "card create", http.MethodPost, "/v1.0/card/instances/createAndDeliver", req, &ans)
	if err != nil {
		return cardError(err)
	}
	for _, r := range ans.Result.DeliverResults {
		if !r.Success {
			return &OpenAPIError{Op: "card deliver", Status: http.StatusOK, Msg: truncateRunes(r.ErrorMsg, 200)}
		}
	}
	return nil
}

// UpdateCard changes the keys in params of card outTrackID for everyone
// who sees it (updateCardDataByKey: other keys keep their values). An
// update repeated with the same params leaves the card as it is.
func (a *OpenAPI) UpdateCard(ctx context.Context, outTrackID string, params map[string]string) error {
	if outTrackID == "" {
		return fmt.Errorf("dingtalk card update: outTrackId is required: %w", bot.ErrPermanent)
	}
	req := updateCard{OutTrackID: outTrackID, CardData: cardData{params},
		UpdateOptions: updateOptions{UpdateCardDataByKey: true}, UserIDType: 1}
	return cardError(a.do(ctx, "card update", http.MethodPut, "/v1.0/card/instances", req, nil))
}

// RegisterCallback registers url under routeKey (POST
// /v1.0/card/callbacks/register, forceUpdate): cards created with
// CardConfig.CallbackRouteKey = routeKey send their clicks there. url
// should carry the callback token (see CardCallbacks).
func (a *OpenAPI) RegisterCallback(ctx context.Context, routeKey, url string) error {
	body := map[string]any{"callbackRouteKey": routeKey, "callbackUrl": url, "forceUpdate": true}
	return a.post(ctx, "card callback register", "/v1.0/card/callbacks/register", body, nil)
}

// cardError maps DingTalk's answers for a taken or unknown outTrackId to
// ErrCardExists and ErrCardNotFound.
func cardError(err error) error {
	var e *OpenAPIError
	if !errors.As(err, &e) {
		return err
	}
	text := strings.ReplaceAll(strings.ToLower(e.Code+" "+e.Msg), " ", "")
	switch {
	case strings.Contains(text, "notexist") || strings.Contains(text, "notfound"):
		return fmt.Errorf("%w: %w", ErrCardNotFound, err)
	case strings.Contains(text, "exist"):
		return fmt.Errorf("%w: %w", ErrCardExists, err)
	}
	return err
}
