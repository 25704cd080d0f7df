// Package sender delivers webhook events over HTTPS: signed the Standard
// Webhooks way, with a rule that keeps requests off private networks
// unless the operator allows them. The store never imports it.
package sender

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/priobot/priobot/webhook"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// Sender posts signed events to endpoints.
type Sender struct {
	client       *http.Client
	allowPrivate bool
}

// New returns a Sender. Unless allowPrivate, every connection it
// makes is refused when the address it dials is not public. HTTPS trusts
// the system's certificates (SSL_CERT_FILE and SSL_CERT_DIR add an
// internal CA); redirects are not followed.
func New(allowPrivate bool) *Sender {
	dialer := &net.Dialer{Timeout: webhook.Timeout, KeepAlive: 30 * time.Second}
	if !allowPrivate {
		dialer.Control = guardDial
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.Proxy = nil // a proxy would hide where the request goes
	transport.DialContext = dialer.DialContext
	transport.MaxIdleConnsPerHost = 4
	return &Sender{allowPrivate: allowPrivate, client: &http.Client{
		Transport:     transport,
		Timeout:       webhook.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Trust adds a certificate to those the Sender trusts, besides the
// system's (tests; operators use SSL_CERT_FILE).
func (s *Sender) Trust(cert *x509.Certificate) {
	t := s.client.Transport.(*http.Transport)
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	pool.AddCert(cert)
	t.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
}

// Check refuses an endpoint URL whose host is not public, unless the
// Sender allows private addresses (see Check).
func (s *Sender) Check(ctx context.Context, url string) error {
	return Check(ctx, net.DefaultResolver, url, s.allowPrivate)
}

// Send posts body to endpoint as message id, signed with secret at when.
func (s *Sender) Send(ctx context.Context, endpoint, secret, id string, at time.Time, body []byte) webhook.Result {
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		return webhook.Result{Err: errors.New("the endpoint's secret is unreadable")}
	}
	sig, err := wh.Sign(id, at, body)
	if err != nil {
		return webhook.Result{Err: fmt.Errorf("signing: %w", err)}
	}
	ctx, cancel := context.WithTimeout(ctx, webhook.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return webhook.Result{Err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "priobot-webhooks/1")
	req.Header.Set(standardwebhooks.HeaderWebhookID, id)
	req.Header.Set(standardwebhooks.HeaderWebhookTimestamp, strconv.FormatInt(at.Unix(), 10))
	req.Header.Set(standardwebhooks.HeaderWebhookSignature, sig)
	began := time.Now()
	resp, err := s.client.Do(req)
	took := time.Since(began)
	if err != nil {
		return webhook.Result{Took: took, Err: plain(err)}
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	r := webhook.Result{Status: resp.StatusCode, Took: took}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		r.Err = fmt.Errorf("answered %s", resp.Status)
		if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && secs > 0 {
			r.RetryAfter = time.Duration(secs) * time.Second
		}
	}
	return r
}

// plain says why a request failed in a few words an owner can act on,
// without the URL (which they know) or Go's wrapping.
func plain(err error) error {
	var (
		addr *net.AddrError
		dns  *net.DNSError
		op   *net.OpError
	)
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("no answer within %s", webhook.Timeout)
	case errors.As(err, &addr):
		return fmt.Errorf("%s %s", addr.Addr, addr.Err)
	case errors.As(err, &dns):
		return fmt.Errorf("host not found: %s", dns.Name)
	case errors.As(err, &op) && op.Op == "dial":
		return fmt.Errorf("could not connect: %v", op.Err)
	}
	var u *url.Error
	if errors.As(err, &u) {
		return u.Err
	}
	return err
}
