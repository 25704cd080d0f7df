package main

import (
	"bufio"
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

	"github.com/priobot/priobot/slackemu"
	"github.com/priobot/priobot/store"
)

// redisSet is the Redis the bot runs on: one redis-server, or the three
// masters of a Redis Cluster.
type redisSet struct {
	addrs, pids []string
	stops       []func()
}

func (r *redisSet) url() string { return "redis://" + strings.Join(r.addrs, ",") }

func (r *redisSet) stop() {
	for _, stop := range r.stops {
		stop()
	}
}

// startRedis runs one redis-server, or three clustered, on free loopback
// ports in dir.
func startRedis(ctx context.Context, dir string, cluster bool) (*redisSet, error) {
	r := &redisSet{}
	n := 1
	var extra []string
	if cluster {
		n, extra = 3, []string{"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf"}
	}
	for i := range n {
		nodeDir := filepath.Join(dir, fmt.Sprintf("redis%d", i))
		addr, pid, stop, err := startServer(ctx, nodeDir, extra...)
		if err != nil {
			r.stop()
			return nil, err
		}
		r.addrs, r.pids, r.stops = append(r.addrs, addr), append(r.pids, pid), append(r.stops, stop)
	}
	if !cluster {
		return r, nil
	}
	args := append(append([]string{"--cluster", "create"}, r.addrs...), "--cluster-replicas", "0", "--cluster-yes")
	if out, err := exec.CommandContext(ctx, "redis-cli", args...).CombinedOutput(); err != nil {
		r.stop()
		return nil, fmt.Errorf("redis-cli --cluster create: %v\n%s", err, out)
	}
	// A tool may poll: wait until every node says the cluster is up.
	for _, addr := range r.addrs {
		for {
			info, err := redisCLI(ctx, addr, "cluster", "info")
			if err == nil && strings.Contains(info, "cluster_state:ok") {
				break
			}
			select {
			case <-ctx.Done():
				r.stop()
				return nil, ctx.Err()
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	return r, nil
}

// startServer runs redis-server on a free loopback port (and, for a
// cluster node, its bus port) in dir.
func startServer(ctx context.Context, dir string, extra ...string) (addr, pid string, stop func(), err error) {
	for range 20 {
		if addr, err = freeAddr(); err != nil {
			return "", "", nil, err
		}
		_, port, _ := net.SplitHostPort(addr)
		p, _ := strconv.Atoi(port)
		if p+10000 <= 65535 {
			if bus, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p+10000))); err == nil {
				bus.Close()
				break
			}
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", "", nil, err
	}
	_, port, _ := net.SplitHostPort(addr)
	cmd := exec.CommandContext(ctx, "redis-server", append([]string{"--port", port, "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--logfile", ""}, extra...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", "", nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", "", nil, fmt.Errorf("redis-server: %w (install it: apt-get install redis-server)", err)
	}
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "Ready to accept connections") {
				ready <- true
				for sc.Scan() {
				}
			}
		}
		ready <- false
	}()
	if !<-ready {
		return "", "", nil, errors.New("redis-server did not start")
	}
	return addr, strconv.Itoa(cmd.Process.Pid), func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }, nil
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
	for _, addr := range r.addrs {
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
	for _, addr := range r.addrs {
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
	tag := "priobot:{bench:C1}:poker:1"
	addr := r.addrs[0]
	if len(r.addrs) > 1 {
		rdb := redis.NewClusterClient(&redis.ClusterOptions{Addrs: r.addrs})
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
		"EVALSHA", sha, "5", tag, tag+":card:1", tag+":card:1:votes", tag+":card:1:progress", tag+":names",
		"__rand_int__", "value", "8", "1", "2", "1", "voter", "1764000000.000001", "value", "effort").Output()
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
