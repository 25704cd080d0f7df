// Package embedded is the playground's Redis: an in-process miniredis that
// can be saved and loaded, and the mark that keeps the playground off a
// real team's Redis. Only the playground and tests import it, so the
// product binary carries neither miniredis nor its Lua interpreter.
package embedded

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/priobot/priobot/store"
)

// Redis is an in-process Redis (miniredis, which runs every script of the
// store unchanged: make test proves it) for the playground, so that trying
// priobot needs nothing installed. Its TTLs follow the real clock, so keys
// expire as on a server.
type Redis struct {
	m *miniredis.Miniredis
}

// Start starts an embedded Redis on a loopback port, loaded from
// the snapshot file when one exists (see Save).
func Start(snapshot string) (*Redis, error) {
	m := miniredis.NewMiniRedis()
	if err := m.StartAddr("127.0.0.1:0"); err != nil {
		return nil, err
	}
	m.ClockTTL(true)
	e := &Redis{m: m}
	if snapshot != "" {
		if err := e.load(snapshot); err != nil {
			m.Close()
			return nil, err
		}
	}
	return e, nil
}

// URL is the REDIS_URL of the embedded Redis.
func (e *Redis) URL() string { return "redis://" + e.m.Addr() + "/0" }

// Close stops the embedded Redis; what it held is gone unless saved.
func (e *Redis) Close() { e.m.Close() }

// savedKey is one key of a snapshot, with whichever value its type has.
type savedKey struct {
	Type   string             `json:"type"`
	TTLms  int64              `json:"ttl_ms,omitempty"`
	String string             `json:"string,omitempty"`
	Hash   map[string]string  `json:"hash,omitempty"`
	List   []string           `json:"list,omitempty"`
	Set    []string           `json:"set,omitempty"`
	ZSet   map[string]float64 `json:"zset,omitempty"`
}

// Save writes every key to file (atomically: a temporary file renamed).
// Call it when nothing writes any more: keys are read one by one.
func (e *Redis) Save(file string) error {
	keys := map[string]savedKey{}
	for _, k := range e.m.Keys() {
		sk := savedKey{Type: e.m.Type(k), TTLms: e.m.TTL(k).Milliseconds()}
		var err error
		switch sk.Type {
		case "string":
			sk.String, err = e.m.Get(k)
		case "hash":
			var fields []string
			fields, err = e.m.HKeys(k)
			sk.Hash = map[string]string{}
			for _, f := range fields {
				sk.Hash[f] = e.m.HGet(k, f)
			}
		case "list":
			sk.List, err = e.m.List(k)
		case "set":
			sk.Set, err = e.m.Members(k)
		case "zset":
			sk.ZSet, err = e.m.SortedSet(k)
		default:
			err = fmt.Errorf("type %s is not saved", sk.Type)
		}
		if err != nil {
			return fmt.Errorf("saving %s: %w", k, err)
		}
		keys[k] = sk
	}
	data, err := json.Marshal(keys)
	if err != nil {
		return err
	}
	tmp := file + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Clean(file))
}

func (e *Redis) load(file string) error {
	data, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var keys map[string]savedKey
	if err := json.Unmarshal(data, &keys); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	for k, sk := range keys {
		switch sk.Type {
		case "string":
			err = e.m.Set(k, sk.String)
		case "hash":
			for f, v := range sk.Hash {
				e.m.HSet(k, f, v)
			}
		case "list":
			_, err = e.m.Push(k, sk.List...)
		case "set":
			_, err = e.m.SetAdd(k, sk.Set...)
		case "zset":
			for member, score := range sk.ZSet {
				if _, err = e.m.ZAdd(k, score, member); err != nil {
					break
				}
			}
		}
		if err != nil {
			return fmt.Errorf("%s: key %s: %w", file, k, err)
		}
		if sk.TTLms > 0 {
			e.m.SetTTL(k, time.Duration(sk.TTLms)*time.Millisecond)
		}
	}
	return nil
}

// markKey (STRING, when it was marked) says the playground wrote this
// Redis's data; it holds nothing a real team uses.
const markKey = "priobot:playground"

// ErrNotPlayground is returned by Mark for a Redis that holds priobot data
// the playground did not write: production, most likely.
var ErrNotPlayground = errors.New("this Redis holds priobot data that the playground did not write (production?)")

// Mark marks the Redis at rawURL (a REDIS_URL) as the playground's,
// refusing one that already holds other priobot data unless force is set:
// the playground must never act on a real team's backlog.
func Mark(ctx context.Context, rawURL string, force bool) error {
	opts, err := store.ParseURL(rawURL)
	if err != nil {
		return err
	}
	rdb := redis.NewUniversalClient(opts)
	defer rdb.Close()
	n, err := rdb.Exists(ctx, markKey).Result()
	if err != nil || n == 1 {
		return err
	}
	found := false
	scan := func(ctx context.Context, c *redis.Client) error {
		it := c.Scan(ctx, 0, "priobot:*", 1000).Iterator()
		found = found || it.Next(ctx)
		return it.Err()
	}
	switch c := rdb.(type) {
	case *redis.ClusterClient:
		var mu sync.Mutex
		err = c.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
			mu.Lock()
			defer mu.Unlock()
			return scan(ctx, node)
		})
	case *redis.Client:
		err = scan(ctx, c)
	default:
		err = errors.New("the playground needs one Redis server or a cluster")
	}
	if err != nil {
		return err
	}
	if found && !force {
		return ErrNotPlayground
	}
	return rdb.Set(ctx, markKey, time.Now().UTC().Format(time.RFC3339), 0).Err()
}
