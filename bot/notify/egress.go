package notify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"path"
	"strings"
	"syscall"
	"time"
)

// ErrEgressRefused is returned for a URL or address Tapline will not call.
var ErrEgressRefused = errors.New("target refused")

// Egress decides which integrator-supplied URLs Tapline may call (event
// webhooks): only https to public addresses, unless a network is named in
// the allow-list (a receiver on the utility's own LAN, a test server on
// loopback), where http is accepted too. The same rule is applied when a
// URL is registered and again to the address each connection dials, so a
// name that later resolves to a private address (DNS rebinding) is refused
// at send time.
type Egress struct {
	allow []netip.Prefix
}

// NewEgress returns the rule with the allowed private networks (CIDR
// prefixes or single addresses, e.g. "127.0.0.0/8", "10.1.2.3").
func NewEgress(allowPrivate []string) (*Egress, error) {
	e := &Egress{}
	for _, s := range allowPrivate {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			a, aerr := netip.ParseAddr(s)
			if aerr != nil {
				return nil, fmt.Errorf("egress: %q is not an address or CIDR prefix", s)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		e.allow = append(e.allow, p.Masked())
	}
	return e, nil
}

// CheckURL returns nil when raw is a URL Tapline may POST to: absolute
// http(s), no user info, fragment or dot segments; https unless its host
// is an allowed private address; a host that is an address (or localhost)
// must pass CheckAddr. Host names are checked again when dialled.
func (e *Egress) CheckURL(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil || len(raw) > 512:
		return fmt.Errorf("not a URL: %w", ErrEgressRefused)
	case u.Scheme != "https" && u.Scheme != "http":
		return fmt.Errorf("scheme %q: only https: %w", u.Scheme, ErrEgressRefused)
	case u.Host == "" || u.User != nil || u.Fragment != "" || u.Opaque != "":
		return fmt.Errorf("needs a host and no user info or fragment: %w", ErrEgressRefused)
	case u.Path != "" && path.Clean(u.Path) != u.Path && path.Clean(u.Path)+"/" != u.Path:
		return fmt.Errorf("path with dot segments: %w", ErrEgressRefused)
	}
	host := u.Hostname()
	addr, err := netip.ParseAddr(host)
	if err != nil {
		if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
			addr = netip.MustParseAddr("127.0.0.1")
		} else if u.Scheme != "https" {
			return fmt.Errorf("http to a host name: only https: %w", ErrEgressRefused)
		} else {
			return nil
		}
	}
	if err := e.CheckAddr(addr); err != nil {
		return err
	}
	if u.Scheme == "http" && !e.allowed(addr) {
		return fmt.Errorf("http to a public address: only https: %w", ErrEgressRefused)
	}
	return nil
}

// CheckAddr refuses loopback, private, link-local, shared (CGNAT),
// unspecified, multicast and other non-public addresses unless allowed.
func (e *Egress) CheckAddr(a netip.Addr) error {
	a = a.Unmap()
	if e.allowed(a) {
		return nil
	}
	if !a.IsValid() || a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsUnspecified() || nonPublic(a) {
		return fmt.Errorf("address %s is not public (allow it in webhooks.allow_private): %w", a, ErrEgressRefused)
	}
	return nil
}

func (e *Egress) allowed(a netip.Addr) bool {
	for _, p := range e.allow {
		if p.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}

// nonPublicNets are further ranges no public receiver lives in.
var nonPublicNets = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"), netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"), netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"), netip.MustParsePrefix("64:ff9b::/96"),
}

func nonPublic(a netip.Addr) bool {
	for _, p := range nonPublicNets {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Client returns an HTTP client that dials only addresses CheckAddr
// accepts, ignores proxy variables, never follows a redirect and gives up
// after timeout.
func (e *Egress) Client(timeout time.Duration) *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second, Control: func(_, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("dial %s: %w", address, ErrEgressRefused)
		}
		return e.CheckAddr(ap.Addr())
	}}
	tr := &http.Transport{Proxy: nil, DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		return d.DialContext(ctx, network, addr)
	}, MaxIdleConnsPerHost: 4, IdleConnTimeout: 30 * time.Second, TLSHandshakeTimeout: 5 * time.Second}
	return &http.Client{Timeout: timeout, Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}
