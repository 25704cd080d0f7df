package sender

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"syscall"

	"github.com/priobot/priobot/prio"
)

// notPublic are address blocks that are neither loopback, private nor
// link-local by netip's reckoning, and still no place for a webhook:
// carrier-grade NAT (where some clouds keep their metadata service),
// "this network", benchmarking and IETF protocol assignments.
var notPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"), // NAT64: an IPv4 address inside
	netip.MustParsePrefix("2002::/16"),    // 6to4: likewise
}

// Refused says why priobot sends nothing to ip ("a loopback address", …),
// or "" when ip is a public address.
func Refused(ip netip.Addr) string {
	ip = ip.Unmap()
	switch {
	case !ip.IsValid():
		return "no address"
	case ip.IsLoopback():
		return "a loopback address"
	case ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast():
		return "a link-local address, where cloud metadata services answer"
	case ip.IsPrivate():
		return "a private address"
	case ip.IsUnspecified() || ip.IsMulticast() || ip.IsInterfaceLocalMulticast():
		return "an address that is not public"
	}
	for _, p := range notPublic {
		if p.Contains(ip) {
			return "an address that is not public"
		}
	}
	return ""
}

// Resolver finds a host's addresses; net.DefaultResolver is one.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Check refuses an endpoint URL whose host is, or resolves to, an address
// that is not public, unless allowPrivate (on-prem installs, tests). It is
// asked when an endpoint is added; every request is checked again as it
// connects (see Sender), since DNS answers change.
func Check(ctx context.Context, r Resolver, raw string, allowPrivate bool) error {
	if allowPrivate {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return prio.Errorf(prio.Invalid, "%s is not a URL.", prio.Quote(raw))
	}
	host := u.Hostname()
	addrs := []netip.Addr{}
	if ip, err := netip.ParseAddr(host); err == nil {
		addrs = append(addrs, ip)
	} else if addrs, err = r.LookupNetIP(ctx, "ip", host); err != nil || len(addrs) == 0 {
		return prio.Errorf(prio.Invalid, "I could not find the host %s, so nothing was added. Check the URL.", prio.Quote(host))
	}
	for _, ip := range addrs {
		if why := Refused(ip); why != "" {
			return prio.Errorf(prio.Invalid, "%s leads to %s, %s. I send webhooks only to public addresses "+
				"(an operator can allow private ones with WEBHOOK_ALLOW_PRIVATE=true).", prio.Quote(host), ip, why)
		}
	}
	return nil
}

// guardDial is a net.Dialer's Control: it refuses a connection to an
// address that is not public, whatever DNS said when the endpoint was added.
func guardDial(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("webhook: unexpected address %q: %w", address, err)
	}
	if why := Refused(ap.Addr()); why != "" {
		return &net.AddrError{Err: "refused: " + why + " (WEBHOOK_ALLOW_PRIVATE is off)", Addr: ap.Addr().String()}
	}
	return nil
}
