// Package store keeps all of priobot's state in Redis. It is the only code
// that speaks Redis: keys are built in keys.go, every check-then-write is one
// Lua script in scripts.go, and Redis failures become prio errors.
package store

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"

	"github.com/priobot/priobot/prio"
)

// Store is priobot's Redis-backed state. It is safe for concurrent use by
// any number of goroutines and bot replicas.
type Store struct {
	rdb   redis.UniversalClient
	turns *batch // ends of receipt turns (receiptSent), pipelined
}

// eventMemory is how long a handled event id is remembered; Slack's last
// retry comes about 6 minutes after the first delivery.
const eventMemory = time.Hour

// Options tune a Store.
type Options struct {
	// Log receives go-redis's own messages (reconnects, pool trouble) at
	// warn level; without it they are dropped.
	Log *slog.Logger
	// OnError is called with every Redis error other than redis.Nil (for metrics).
	OnError func(error)
}

// Open connects to the Redis at rawURL and checks it answers PING. The
// error names the address without its password. See ParseURL for the forms.
func Open(ctx context.Context, rawURL string, o Options) (*Store, error) {
	opt, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	opt.ClientName = "priobot"
	// Plain Redis and Valkey know neither CLIENT SETINFO (before 7.2) nor
	// maintenance notifications; asking only adds error replies.
	opt.DisableIdentity = true
	opt.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
	rdb := redis.NewUniversalClient(opt)
	if o.OnError != nil {
		rdb.AddHook(errorHook(o.OnError))
	}
	redis.SetLogger(redisLogger{o.Log}) // go-redis has one logger per process
	s := &Store{rdb: rdb, turns: newBatch(receiptSent)}
	if err := rdb.Ping(ctx).Err(); err != nil {
		_ = rdb.Close()
		return nil, fmt.Errorf("can't reach Redis at %s: %w", redact(rawURL), err)
	}
	return s, nil
}

// ParseURL reads REDIS_URL:
//
//	redis://[user:password@]host:port[/db]            one server (rediss:// for TLS)
//	redis://[user:password@]h1:p1,h2:p2,h3:p3         a Redis Cluster, by any of its nodes
//	redis://[user:password@]h1:p1,h2:p2?master=name   Sentinel: the sentinels and the master's name
func ParseURL(rawURL string) (*redis.UniversalOptions, error) {
	bad := func(why string) error {
		return fmt.Errorf("REDIS_URL %s: %s; use redis://host:6379/0, rediss://…, redis://h1:7000,h2:7001,h3:7002 (cluster) or …?master=name (Sentinel)", redact(rawURL), why)
	}
	scheme, rest, ok := strings.Cut(rawURL, "://")
	if !ok || (scheme != "redis" && scheme != "rediss") {
		return nil, bad("the scheme must be redis or rediss")
	}
	rest, query, _ := strings.Cut(rest, "?")
	var user, pass string
	if at := strings.LastIndexByte(rest, '@'); at >= 0 {
		info := rest[:at]
		rest = rest[at+1:]
		u, p, hasPass := strings.Cut(info, ":")
		if !hasPass {
			u, p = "", u
		}
		var err error
		if user, err = url.PathUnescape(u); err != nil {
			return nil, bad("the user name is not URL-encoded")
		}
		if pass, err = url.PathUnescape(p); err != nil {
			return nil, bad("the password is not URL-encoded")
		}
	}
	hosts, dbText, _ := strings.Cut(rest, "/")
	opt := &redis.UniversalOptions{Username: user, Password: pass}
	for _, h := range strings.Split(hosts, ",") {
		if _, port, err := net.SplitHostPort(h); err != nil || port == "" {
			return nil, bad(fmt.Sprintf("%q is not host:port", h))
		}
		opt.Addrs = append(opt.Addrs, h)
	}
	if dbText != "" {
		db, err := strconv.Atoi(dbText)
		if err != nil || db < 0 {
			return nil, bad("the database must be a number")
		}
		if len(opt.Addrs) > 1 && db != 0 {
			return nil, bad("a cluster has only database 0")
		}
		opt.DB = db
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return nil, bad("the query is malformed")
	}
	opt.MasterName = q.Get("master")
	if scheme == "rediss" {
		host, _, _ := net.SplitHostPort(opt.Addrs[0])
		opt.TLSConfig = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	}
	return opt, nil
}

// Ping checks that Redis answers.
func (s *Store) Ping(ctx context.Context) error {
	return translate(s.rdb.Ping(ctx).Err())
}

// Close closes the connections to Redis.
func (s *Store) Close() error {
	s.turns.close()
	return s.rdb.Close()
}

// FirstDelivery records an Events API event id and reports whether this is
// the first time it was seen, so retried deliveries have no second effect.
func (s *Store) FirstDelivery(ctx context.Context, team, eventID string) (bool, error) {
	ok, err := s.rdb.SetNX(ctx, eventKey(team, eventID), 1, eventMemory).Result()
	return ok, translate(err)
}

// redact drops the password from a Redis URL for messages and logs.
func redact(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return "(a malformed URL)"
	}
	hostEnd := strings.IndexAny(rest, "/?")
	if hostEnd < 0 {
		hostEnd = len(rest)
	}
	at := strings.LastIndexByte(rest[:hostEnd], '@')
	if at < 0 {
		return raw
	}
	user, _, hasPass := strings.Cut(rest[:at], ":")
	if !hasPass {
		user = "" // redis://password@host: the lone part is the password
	}
	return scheme + "://" + user + ":xxxxx" + rest[at:]
}

// unavailableError wraps a connectivity failure: the user is told the
// database is unreachable, the log keeps the cause.
type unavailableError struct{ cause error }

func (e unavailableError) Error() string { return "redis unavailable: " + e.cause.Error() }
func (e unavailableError) Unwrap() []error {
	return []error{e.cause, prio.Errorf(prio.Unavailable, "priobot can't reach its database, so nothing was saved. Please try again in a moment.")}
}

// translate turns Redis failures into domain errors: connectivity problems
// become prio.Unavailable, anything else stays an internal error.
func translate(err error) error {
	if err == nil || errors.Is(err, redis.Nil) {
		return err
	}
	if isConnectivity(err) {
		return unavailableError{err}
	}
	return err
}

func isConnectivity(err error) bool {
	var netErr net.Error
	switch {
	case errors.As(err, &netErr), errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, redis.ErrClosed), errors.Is(err, redis.ErrPoolTimeout):
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "EOF") || strings.HasPrefix(msg, "LOADING") || strings.HasPrefix(msg, "MASTERDOWN") ||
		strings.HasPrefix(msg, "CLUSTERDOWN") || strings.HasPrefix(msg, "TRYAGAIN")
}

// redisLogger sends go-redis's printf-style messages to slog.
type redisLogger struct{ log *slog.Logger }

func (l redisLogger) Printf(ctx context.Context, format string, v ...any) {
	if l.log != nil {
		l.log.WarnContext(ctx, "redis client", "msg", fmt.Sprintf(format, v...))
	}
}

// errorHook reports Redis errors to a callback.
type errorHook func(error)

func (h errorHook) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := next(ctx, network, addr)
		if err != nil {
			h(err)
		}
		return c, err
	}
}

func (h errorHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		if err != nil && !errors.Is(err, redis.Nil) && !redis.HasErrorPrefix(err, "NOSCRIPT") {
			h(err) // NOSCRIPT is answered by a fallback to EVAL, not a failure
		}
		return err
	}
}

func (h errorHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		err := next(ctx, cmds)
		if err != nil && !errors.Is(err, redis.Nil) {
			h(err)
		}
		return err
	}
}
