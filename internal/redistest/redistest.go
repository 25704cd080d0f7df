// Package redistest starts a real redis-server for tests: on a free loopback
// port, in the test's temp dir, stopped when the test ends.
package redistest

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
)

// Redis is what tests talk to: one redis-server, a Redis Cluster of three
// masters when PRIOBOT_TEST_REDIS=cluster, or with PRIOBOT_TEST_REDIS=mini
// an embedded miniredis (what the playground may run on: the store's tests
// prove it runs every script unchanged).
type Redis struct {
	nodes []*Server
	mini  *miniredis.Miniredis
}

// URL is the Redis in REDIS_URL form (several addresses for a cluster).
func (r *Redis) URL() string {
	if len(r.nodes) == 1 {
		return r.nodes[0].URL()
	}
	addrs := make([]string, len(r.nodes))
	for i, n := range r.nodes {
		addrs[i] = n.Addr
	}
	return "redis://" + strings.Join(addrs, ",")
}

// Stop kills every node, as an outage would.
func (r *Redis) Stop() {
	if r.mini != nil {
		r.mini.Close()
		return
	}
	for _, n := range r.nodes {
		n.Stop()
	}
}

// Restart starts every stopped node again on its port and data directory
// (with AOF on, what was acknowledged comes back), and waits until it serves.
func (r *Redis) Restart(t testing.TB) {
	t.Helper()
	if r.mini != nil { // on the same port, with what it held
		if err := r.mini.Restart(); err != nil {
			t.Fatalf("miniredis did not restart: %v", err)
		}
		return
	}
	bin := lookup(t, "redis-server")
	for _, n := range r.nodes {
		n.clusterOK, n.switched = make(chan struct{}), make(chan struct{})
		if err := n.start(bin); err != nil {
			t.Fatalf("redis-server did not restart: %v", err)
		}
	}
	if len(r.nodes) > 1 {
		if err := waitCluster(r.nodes); err != nil {
			t.Fatal(err)
		}
	}
}

func waitCluster(nodes []*Server) error {
	for _, n := range nodes {
		select {
		case <-n.clusterOK:
		case <-time.After(10 * time.Second):
			return fmt.Errorf("cluster node %s not ok after 10s", n.Addr)
		}
	}
	return nil
}

// Option tunes the servers Start runs.
type Option func(*[]string)

// AOF turns on the append-only file, synced on every write, so a restart
// keeps everything Redis acknowledged.
func AOF() Option {
	return func(args *[]string) { *args = append(*args, "--appendonly", "yes", "--appendfsync", "always") }
}

// Server is a running redis-server.
type Server struct {
	Addr      string // host:port
	dir       string
	cmd       *exec.Cmd
	conf      string // a Sentinel's configuration file (it rewrites it)
	extra     []string
	clusterOK chan struct{} // closed when the node logs that its cluster is ok
	switched  chan struct{} // closed when a Sentinel logs a failover done
}

// URL is the server's address in REDIS_URL form.
func (s *Server) URL() string { return "redis://" + s.Addr + "/0" }

// Start runs Redis for the duration of t: a single redis-server, or with
// PRIOBOT_TEST_REDIS=cluster a three-master Redis Cluster on loopback.
// Without redis-server on PATH it skips t, or fails it when CI=true, so CI
// can never pass by skipping.
func Start(t testing.TB, opts ...Option) *Redis {
	t.Helper()
	if os.Getenv("PRIOBOT_TEST_REDIS") == "mini" {
		mr := miniredis.RunT(t)
		mr.ClockTTL(true) // keys expire on the real clock, as the playground's do
		return &Redis{nodes: []*Server{{Addr: mr.Addr()}}, mini: mr}
	}
	bin := lookup(t, "redis-server")
	var extra []string
	for _, o := range opts {
		o(&extra)
	}
	if os.Getenv("PRIOBOT_TEST_REDIS") != "cluster" {
		return &Redis{nodes: []*Server{startServer(t, bin, extra...)}}
	}
	lookup(t, "redis-cli")
	r := &Redis{}
	for range 3 {
		r.nodes = append(r.nodes, startServer(t, bin, append(extra, ClusterNode...)...))
	}
	if err := Cluster(r.nodes); err != nil {
		t.Fatal(err)
	}
	return r
}

// ClusterNode are the arguments of a redis-server that is to join a cluster.
var ClusterNode = []string{"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000"}

// Cluster makes three masters of nodes started with ClusterNode and waits
// until every one says the cluster is up.
func Cluster(nodes []*Server) error {
	args := []string{"--cluster", "create"}
	for _, n := range nodes {
		args = append(args, n.Addr)
	}
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	if out, err := exec.Command("redis-cli", args...).CombinedOutput(); err != nil {
		return fmt.Errorf("redis-cli --cluster create: %v\n%s", err, out)
	}
	return waitCluster(nodes)
}

func lookup(t testing.TB, name string) string {
	bin, err := exec.LookPath(name)
	if err != nil {
		msg := name + " not found on PATH: install it (apt-get install redis-server) or run `make test`, which does"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return bin
}

func startServer(t testing.TB, bin string, extra ...string) *Server {
	t.Helper()
	return startAs(t, bin, &Server{dir: t.TempDir(), extra: extra})
}

func startAs(t testing.TB, bin string, s *Server) *Server {
	t.Helper()
	if err := s.launch(bin); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return s
}

// Run starts a redis-server outside a test (for tools), in dir, on a free
// loopback port, with extra arguments. Stop ends it.
func Run(dir string, extra ...string) (*Server, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, fmt.Errorf("%w (install it: apt-get install redis-server)", err)
	}
	s := &Server{dir: dir, extra: extra}
	return s, s.launch(bin)
}

// Pid is the running server's process id.
func (s *Server) Pid() int { return s.cmd.Process.Pid }

func (s *Server) launch(bin string) error {
	s.clusterOK, s.switched = make(chan struct{}), make(chan struct{})
	var err error
	for range 5 { // a free port can be taken between our probe and redis binding it
		s.Addr = "" // each try probes a new port
		if err = s.start(bin); err == nil {
			return nil
		}
	}
	return fmt.Errorf("redis-server did not start: %w", err)
}

func (s *Server) start(bin string) error {
	port, err := freePort(slices.Contains(s.extra, "--cluster-enabled"))
	if err != nil {
		return err
	}
	if s.Addr != "" { // a restart keeps its address
		_, p, _ := net.SplitHostPort(s.Addr)
		port, _ = strconv.Atoi(p)
	}
	s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	args := []string{"--save", ""}
	readyLine := "Ready to accept connections"
	if s.conf != "" {
		args, readyLine = []string{s.conf, "--sentinel"}, "+monitor master"
	}
	args = append(append(args, "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--dir", s.dir, "--daemonize", "no", "--logfile", "", "--loglevel", "notice"), s.extra...)
	cmd := exec.Command(bin, args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return err
	}
	// Wait for the server's own word that it is ready instead of polling.
	ready := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(out)
		var log []string
		for sc.Scan() {
			line := sc.Text()
			log = append(log, line)
			if strings.Contains(line, readyLine) {
				ready <- nil
				ok, switched := false, false
				for sc.Scan() { // keep draining so the server never blocks on its log
					if !ok && strings.Contains(sc.Text(), "Cluster state changed: ok") {
						ok = true
						close(s.clusterOK)
					}
					if !switched && strings.Contains(sc.Text(), "+switch-master") {
						switched = true
						close(s.switched)
					}
				}
				return
			}
		}
		ready <- fmt.Errorf("redis-server exited: %s", strings.Join(log, "\n"))
	}()
	select {
	case err := <-ready:
		if err != nil {
			_ = cmd.Wait()
			return err
		}
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return fmt.Errorf("redis-server on %s not ready after 10s", s.Addr)
	}
	s.cmd = cmd
	return nil
}

// Stop kills the server and waits for it to exit.
func (s *Server) Stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd = nil
}

// Sentinel is a master with one replica and a Sentinel watching them.
type Sentinel struct {
	Master, Replica, Sentinel *Server
}

// sentinelMaster is the name the Sentinel knows the master by.
const sentinelMaster = "priobot"

// StartSentinel runs a master, its replica and a Sentinel (quorum 1, a
// master is down after 300 ms unreachable) for the duration of t.
func StartSentinel(t testing.TB) *Sentinel {
	t.Helper()
	bin := lookup(t, "redis-server")
	master := startServer(t, bin, "--repl-diskless-sync-delay", "0") // no wait for more replicas
	replica := startServer(t, bin, "--replicaof", "127.0.0.1", strings.TrimPrefix(master.Addr, "127.0.0.1:"))
	dir := t.TempDir()
	conf := dir + "/sentinel.conf"
	_, port, _ := net.SplitHostPort(master.Addr)
	text := fmt.Sprintf("sentinel monitor %[1]s 127.0.0.1 %[2]s 1\nsentinel down-after-milliseconds %[1]s 300\nsentinel failover-timeout %[1]s 2000\n", sentinelMaster, port)
	if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return &Sentinel{Master: master, Replica: replica, Sentinel: startAs(t, bin, &Server{dir: dir, conf: conf})}
}

// URL is the Sentinel in REDIS_URL form.
func (s *Sentinel) URL() string { return "redis://" + s.Sentinel.Addr + "?master=" + sentinelMaster }

// WaitFailover waits until the Sentinel has promoted the replica.
func (s *Sentinel) WaitFailover(t testing.TB) {
	t.Helper()
	select {
	case <-s.Sentinel.switched:
	case <-time.After(15 * time.Second):
		t.Fatal("the Sentinel did not fail over within 15 s")
	}
}

// freePort finds a free loopback port; for a cluster node, one whose bus
// port (port + 10000) is free too.
func freePort(cluster bool) (int, error) {
	for range 50 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		if !cluster {
			return port, nil
		}
		if port+10000 > 65535 {
			continue
		}
		bus, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port+10000)))
		if err != nil {
			continue
		}
		bus.Close()
		return port, nil
	}
	return 0, fmt.Errorf("no free port pair for a cluster node")
}
