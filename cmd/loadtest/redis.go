package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/priobot/priobot/internal/redistest"
	"github.com/priobot/priobot/slackemu"
	"github.com/priobot/priobot/store"
)

// redisSet is the Redis the bot runs on: one redis-server, or the three
// masters of a Redis Cluster.
type redisSet struct {
	nodes []*redistest.Server
}

func (r *redisSet) addrs() []string {
	out := make([]string, len(r.nodes))
	for i, n := range r.nodes {
		out[i] = n.Addr
	}
	return out
}

func (r *redisSet) url() string { return "redis://" + strings.Join(r.addrs(), ",") }

func (r *redisSet) pids() []string {
	out := make([]string, len(r.nodes))
	for i, n := range r.nodes {
		out[i] = strconv.Itoa(n.Pid())
	}
	return out
}

func (r *redisSet) stop() {
	for _, n := range r.nodes {
		n.Stop()
	}
}

// startRedis runs one redis-server, or three clustered, on free loopback
// ports in dir.
func startRedis(dir string, cluster bool) (*redisSet, error) {
	r := &redisSet{}
	n, extra := 1, []string(nil)
	if cluster {
		n, extra = 3, redistest.ClusterNode
	}
	for i := range n {
		nodeDir := filepath.Join(dir, fmt.Sprintf("redis%d", i))
		if err := os.MkdirAll(nodeDir, 0o700); err != nil {
			r.stop()
			return nil, err
		}
		node, err := redistest.Run(nodeDir, extra...)
		if err != nil {
			r.stop()
			return nil, err
		}
		r.nodes = append(r.nodes, node)
	}
	if cluster {
		if err := redistest.Cluster(r.nodes); err != nil {
			r.stop()
			return nil, err
		}
	}
	return r, nil
}

func redisCLI(ctx context.Context, addr string, args ...string) (string, error) {
	host, port, _ := net.SplitHostPort(addr)
	out, err := exec.CommandContext(ctx, "redis-cli", append([]string{"-h", host, "-p", port}, args...)...).Output()
	return string(out), err
}

// commandCalls sums INFO commandstats over the nodes: calls per command,
// and "total".
func (r *redisSet) commandCalls(ctx context.Context) (map[string]int64, error) {
	calls := map[string]int64{}
	for _, addr := range r.addrs() {
		info, err := redisCLI(ctx, addr, "info", "commandstats")
		if err != nil {
			return nil, err
		}
		for _, line := range strings.Split(info, "\n") {
			name, rest, ok := strings.Cut(strings.TrimSpace(line), ":calls=")
			if !ok {
				continue
			}
			n, _ := strconv.ParseInt(strings.Split(rest, ",")[0], 10, 64)
			name = strings.TrimPrefix(name, "cmdstat_")
			calls[name] += n
			calls["total"] += n
		}
	}
	return calls, nil
}

// usedMemory sums used_memory over the nodes.
func (r *redisSet) usedMemory(ctx context.Context) (int64, error) {
	var sum int64
	for _, addr := range r.addrs() {
		info, err := redisCLI(ctx, addr, "info", "memory")
		if err != nil {
			return 0, err
		}
		found := false
		for _, line := range strings.Split(info, "\n") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(line), "used_memory:"); ok {
				n, err := strconv.ParseInt(v, 10, 64)
				if err != nil {
					return 0, err
				}
				sum, found = sum+n, true
			}
		}
		if !found {
			return 0, errors.New("no used_memory in INFO")
		}
	}
	return sum, nil
}

// seed stores n ranked ideas (numbers from 1,000,001) the way the bot
// does, in pipelines of a thousand commands (split per node on a cluster).
func seed(ctx context.Context, url, channel string, n int) error {
	opt, err := store.ParseURL(url)
	if err != nil {
		return err
	}
	rdb := redis.NewUniversalClient(opt)
	defer rdb.Close()
	tag := "priobot:{" + slackemu.DefaultTeam + ":" + channel + "}:"
	now := strconv.FormatInt(time.Now().UnixMilli(), 10)
	const batch = 250 // ideas per pipeline, four commands each
	for from := 0; from < n; from += batch {
		pipe := rdb.Pipeline()
		for i := from; i < min(from+batch, n); i++ {
			num := strconv.Itoa(1_000_001 + i)
			score := float64(1+i%13) / float64(1+i%5)
			pipe.HSet(ctx, tag+"idea:"+num, "number", num, "title", "Seeded idea "+num, "description", "A description of a realistic length for idea "+num,
				"author", "U0001", "author_name", "seeder", "status", "ranked", "created", now, "score", strconv.FormatFloat(score, 'f', -1, 64), "rev", "1",
				"v:value-effort:value", "8", "v:value-effort:effort", "3")
			pipe.ZAdd(ctx, tag+"ranked", redis.Z{Score: -score, Member: fmt.Sprintf("%012s", num)})
			pipe.HSet(ctx, tag+"titles", num, "Seeded idea "+num)
			pipe.HSet(ctx, "priobot:{"+slackemu.DefaultTeam+"}:idea:channel", num, channel)
		}
		if _, err := pipe.Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// rawVotes measures the vote script alone with redis-benchmark, on the
// node that holds the benchmark session's keys.
func (r *redisSet) rawVotes(ctx context.Context) (float64, error) {
	b := "priobot:{bench:C1}:"
	tag := b + "poker:1"
	addr := r.nodes[0].Addr
	if len(r.nodes) > 1 {
		rdb := redis.NewClusterClient(&redis.ClusterOptions{Addrs: r.addrs()})
		defer rdb.Close()
		node, err := rdb.MasterForKey(ctx, tag)
		if err != nil {
			return 0, err
		}
		addr = node.Options().Addr
	}
	sha, err := redisCLI(ctx, addr, "script", "load", store.VoteScript())
	if err != nil {
		return 0, err
	}
	sha = strings.TrimSpace(sha)
	if _, err := redisCLI(ctx, addr, "hset", tag, "state", "open", "voters", "", "quorum", "0", "deadline", "0"); err != nil {
		return 0, err
	}
	if _, err := redisCLI(ctx, addr, "hset", tag+":card:1", "state", "voting", "round", "1"); err != nil {
		return 0, err
	}
	host, port, _ := net.SplitHostPort(addr)
	out, err := exec.CommandContext(ctx, "redis-benchmark", "-h", host, "-p", port, "-n", "100000", "-c", "50", "-q",
		"EVALSHA", sha, "19", tag, tag+":card:1", tag+":card:1:votes", tag+":card:1:progress", tag+":names", b+"homes",
		tag+":card:1:receipts", b+"idea:1", b+"idea:1:supporters", b+"webhooks", b+"meta", b+"ranked", b+"awaiting", b+"unscored",
		b+"outbox:seq", b+"outbox:items", b+"outbox:due", b+"outbox:order", b+"outbox:age",
		"__rand_int__", "value", "8", "1", "2", "1", "voter", "1764000000.000001", "0", "https://r/1", "10000", "1",
		"value", "effort").Output()
	if err != nil {
		return 0, fmt.Errorf("redis-benchmark: %w", err)
	}
	// "EVALSHA ...: 61349.69 requests per second, p50=0.407 msec"
	text := string(out)
	if i := strings.LastIndex(text, ": "); i >= 0 {
		f := strings.Fields(text[i+2:])
		if len(f) > 0 {
			return strconv.ParseFloat(f[0], 64)
		}
	}
	return 0, fmt.Errorf("redis-benchmark said %q", text)
}
