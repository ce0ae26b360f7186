package wechat

import (
	"net/http"
	"strings"

	"github.com/silenceper/wechat/v2/util"
	"github.com/sirupsen/logrus"
)

// Public API hosts silenceper's URLs start with.
const (
	wechatAPIHost = "https://api.weixin.qq.com"
	wecomAPIHost  = "https://qyapi.weixin.qq.com"
)

// InstallAPIBase installs silenceper's process-wide URI modifier so that
// every SDK call to https://api.weixin.qq.com goes to wechatBase and every
// call to https://qyapi.weixin.qq.com goes to wecomBase (private
// deployments, proxies, test fakes). An empty base leaves that host
// unchanged; both empty removes the modifier. silenceper offers only this
// global hook, so call it once at start-up before any SDK call.
func InstallAPIBase(wechatBase, wecomBase string) {
	wechatBase = strings.TrimRight(wechatBase, "/")
	wecomBase = strings.TrimRight(wecomBase, "/")
	if wechatBase == "" && wecomBase == "" {
		util.SetURIModifier(nil)
		return
	}
	util.SetURIModifier(func(uri string) string {
		if out, ok := rebase(uri, wechatAPIHost, wechatBase); ok {
			return out
		}
		if out, ok := rebase(uri, wecomAPIHost, wecomBase); ok {
			return out
		}
		return uri
	})
}

// rebase replaces the host prefix of uri with base when uri is on host.
func rebase(uri, host, base string) (string, bool) {
	if base == "" || !strings.HasPrefix(uri, host) {
		return uri, false
	}
	rest := uri[len(host):]
	if rest != "" && rest[0] != '/' && rest[0] != '?' {
		return uri, false // e.g. https://api.weixin.qq.com.example.org
	}
	return base + rest, true
}

// InstallHTTPClient sets the HTTP client every silenceper call uses (the
// SDK's default is http.DefaultClient, which has no timeout). Process-wide:
// call once at start-up, e.g. with &http.Client{Timeout: 10 * time.Second}.
func InstallHTTPClient(c *http.Client) {
	util.DefaultHTTPClient = c
}

// QuietSDKLogs raises the global logrus level to Warn. silenceper's root
// package init sets it to Debug, and the SDK then logs raw messages with
// residents' personal data.
func QuietSDKLogs() {
	logrus.SetLevel(logrus.WarnLevel)
}
