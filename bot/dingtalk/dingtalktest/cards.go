package dingtalktest

import (
	"maps"
	"net/http"
	"strings"
)

type cardData struct {
	CardParamMap map[string]string `json:"cardParamMap"`
}

type createReq struct {
	CardTemplateID   string   `json:"cardTemplateId"`
	OutTrackID       string   `json:"outTrackId"`
	CallbackType     string   `json:"callbackType"`
	CallbackRouteKey string   `json:"callbackRouteKey"`
	CardData         cardData `json:"cardData"`
	OpenSpaceID      string   `json:"openSpaceId"`
	GroupDeliver     *struct {
		RobotCode string `json:"robotCode"`
	} `json:"imGroupOpenDeliverModel"`
	RobotDeliver *struct {
		RobotCode string `json:"robotCode"`
		SpaceType string `json:"spaceType"`
	} `json:"imRobotOpenDeliverModel"`
}

// create is POST /v1.0/card/instances/createAndDeliver: a group space needs
// imGroupOpenDeliverModel, a 1:1 space imRobotOpenDeliverModel with
// spaceType IM_ROBOT; a taken outTrackId is refused.
func (g *Gateway) create(w http.ResponseWriter, r *http.Request) {
	var req createReq
	if readJSON(r, &req) != nil || req.CardTemplateID == "" || req.OutTrackID == "" || req.CardData.CardParamMap == nil {
		apiError(w, http.StatusBadRequest, "param.invalid", "cardTemplateId, outTrackId and cardData are required")
		return
	}
	robot, ok := deliverRobot(req)
	if !ok {
		apiError(w, http.StatusBadRequest, "param.invalid", "openSpaceId and its deliver model disagree")
		return
	}
	if (req.CallbackType == "STREAM") == (req.CallbackRouteKey != "") {
		apiError(w, http.StatusBadRequest, "param.invalid", "callbackType STREAM or callbackRouteKey, one of them")
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, taken := g.cards[req.OutTrackID]; taken {
		apiError(w, http.StatusBadRequest, "param.outTrackIdExist", "outTrackId already exists")
		return
	}
	g.cards[req.OutTrackID] = &Card{OutTrackID: req.OutTrackID, TemplateID: req.CardTemplateID,
		OpenSpaceID: req.OpenSpaceID, RobotCode: robot, CallbackType: req.CallbackType,
		RouteKey: req.CallbackRouteKey, Params: maps.Clone(req.CardData.CardParamMap)}
	g.order = append(g.order, req.OutTrackID)
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "result": map[string]any{
		"outTrackId": req.OutTrackID,
		"deliverResults": []map[string]any{{"success": true, "spaceId": req.OpenSpaceID,
			"carrierId": "carrier-" + req.OutTrackID}}}})
}

func deliverRobot(req createReq) (string, bool) {
	switch {
	case strings.HasPrefix(req.OpenSpaceID, "dtv1.card//IM_GROUP.") && req.GroupDeliver != nil:
		return req.GroupDeliver.RobotCode, req.GroupDeliver.RobotCode != ""
	case strings.HasPrefix(req.OpenSpaceID, "dtv1.card//IM_ROBOT.") && req.RobotDeliver != nil:
		return req.RobotDeliver.RobotCode, req.RobotDeliver.SpaceType == "IM_ROBOT" && req.RobotDeliver.RobotCode != ""
	}
	return "", false
}

// update is PUT /v1.0/card/instances: merges the keys when
// cardUpdateOptions.updateCardDataByKey, else replaces the data.
func (g *Gateway) update(w http.ResponseWriter, r *http.Request) {
	var req struct {
		OutTrackID string   `json:"outTrackId"`
		CardData   cardData `json:"cardData"`
		Options    struct {
			ByKey bool `json:"updateCardDataByKey"`
		} `json:"cardUpdateOptions"`
	}
	if readJSON(r, &req) != nil || req.OutTrackID == "" {
		apiError(w, http.StatusBadRequest, "param.invalid", "outTrackId is required")
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	c, ok := g.cards[req.OutTrackID]
	if !ok {
		apiError(w, http.StatusBadRequest, "param.cardNotExist", "card not exist")
		return
	}
	if !req.Options.ByKey {
		c.Params = map[string]string{}
	}
	maps.Copy(c.Params, req.CardData.CardParamMap)
	c.Updates++
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "result": true})
}

// register is POST /v1.0/card/callbacks/register.
func (g *Gateway) register(w http.ResponseWriter, r *http.Request) {
	var req struct {
		RouteKey string `json:"callbackRouteKey"`
		URL      string `json:"callbackUrl"`
	}
	if readJSON(r, &req) != nil || req.RouteKey == "" || req.URL == "" {
		apiError(w, http.StatusBadRequest, "param.invalid", "callbackRouteKey and callbackUrl are required")
		return
	}
	g.mu.Lock()
	g.callbacks[req.RouteKey] = req.URL
	g.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"success": true,
		"result": map[string]string{"callbackUrl": req.URL, "apiSecret": "fake-api-secret"}})
}

// ClickBody is the body DingTalk sends for a button click on card
// outTrackID by userID whose button sends key (HTTP callback, or the data
// of a Stream card callback frame).
func ClickBody(outTrackID, userID, openSpaceID, key string) []byte {
	content, _ := jsonString(map[string]any{"cardPrivateData": map[string]any{
		"actionIds": []string{"btn"}, "params": map[string]any{"key": key}}})
	spaceType, spaceID := "IM_ROBOT", strings.TrimPrefix(openSpaceID, "dtv1.card//IM_ROBOT.")
	if cid, ok := strings.CutPrefix(openSpaceID, "dtv1.card//IM_GROUP."); ok {
		spaceType, spaceID = "IM_GROUP", cid
	}
	b, _ := jsonBytes(map[string]any{"corpId": "dingfakecorp", "outTrackId": outTrackID, "userId": userID,
		"userIdType": 1, "type": "actionCallback", "spaceType": spaceType, "spaceId": spaceID,
		"content": content, "extension": "{}"})
	return b
}
