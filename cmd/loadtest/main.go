// Command loadtest drives the real priobot binary through the Slack
// emulator with a real redis-server, and reports throughput, ack latency,
// Redis commands per vote, chat.update calls per card, the bot's memory
// and Redis memory per idea, and the raw vote script's speed measured by
// redis-benchmark. It only talks to 127.0.0.1 and stops by itself.
//
//	go run ./cmd/loadtest -voters 500 -cards 4
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/priobot/priobot/internal/procstat"
	"github.com/priobot/priobot/slackemu"
	"github.com/priobot/priobot/store"
)

func main() {
	var o options
	flag.IntVar(&o.voters, "voters", 500, "concurrent voters")
	flag.IntVar(&o.cards, "cards", 4, "poker cards they vote on (each voter votes on every criterion of every card)")
	flag.IntVar(&o.ideas, "ideas", 1000, "ideas submitted concurrently before the vote")
	flag.IntVar(&o.stored, "stored", 100_000, "ideas stored in Redis for the memory and lookup figures")
	flag.IntVar(&o.sockets, "sockets", 2, "Socket Mode connections the bot opens (SOCKET_CONNECTIONS)")
	flag.StringVar(&o.bot, "bot", "", "priobot binary (default: go build it)")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

type options struct {
	voters, cards, ideas, stored, sockets int
	bot                                   string
}

func run(ctx context.Context, o options) error {
	dir, err := os.MkdirTemp("", "priobot-loadtest")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if o.bot == "" {
		o.bot = filepath.Join(dir, "priobot")
		if out, err := exec.CommandContext(ctx, "go", "build", "-o", o.bot, ".").CombinedOutput(); err != nil {
			return fmt.Errorf("go build: %v\n%s", err, out)
		}
	}
	redisAddr, redisPID, stopRedis, err := startRedis(ctx, dir)
	if err != nil {
		return err
	}
	defer stopRedis()
	emu, err := slackemu.Start(slackemu.Options{})
	if err != nil {
		return err
	}
	defer emu.Close()
	httpAddr, err := freeAddr()
	if err != nil {
		return err
	}
	bot := exec.CommandContext(ctx, o.bot)
	bot.Env = append(os.Environ(), "SLACK_BOT_TOKEN="+slackemu.BotToken, "SLACK_APP_TOKEN="+slackemu.AppToken,
		"SLACK_API_URL="+emu.APIURL(), "REDIS_URL=redis://"+redisAddr+"/0", "HTTP_ADDR="+httpAddr, "LOG_LEVEL=warn",
		"SOCKET_CONNECTIONS="+strconv.Itoa(o.sockets))
	bot.Stderr = os.Stderr
	if err := bot.Start(); err != nil {
		return err
	}
	defer func() { _ = bot.Process.Signal(os.Interrupt); _ = bot.Wait() }()
	if err := emu.WaitConnections(ctx, o.sockets); err != nil {
		return fmt.Errorf("the bot did not connect: %w", err)
	}
	channel := emu.AddChannel("product", slackemu.ChannelOptions{})
	people := make([]string, o.voters)
	for i := range people {
		people[i] = emu.AddUser(fmt.Sprintf("u%04d", i), slackemu.UserOptions{})
	}
	report := [][2]string{}
	add := func(what, figure string) { report = append(report, [2]string{what, figure}) }

	// Ideas submitted concurrently.
	from := len(emu.AckLatencies())
	start := time.Now()
	if err := parallel(o.ideas, 64, func(i int) error {
		return emu.SlashCommand(ctx, people[i%len(people)], channel, "/idea", fmt.Sprintf("Idea %d", i))
	}); err != nil {
		return err
	}
	add(fmt.Sprintf("%d ideas submitted by 64 at once", o.ideas), fmt.Sprintf("%.0f/s, ack %s", float64(o.ideas)/time.Since(start).Seconds(), latencies(emu.AckLatencies()[from:])))

	// A poker session; every voter votes on every criterion of every card.
	refs := make([]string, o.cards)
	for i := range refs {
		refs[i] = fmt.Sprintf("#%d", i+1)
	}
	if err := emu.SlashCommand(ctx, people[0], channel, "/poker", strings.Join(refs, " ")); err != nil {
		return err
	}
	var cards []slackemu.Message
	if err := emu.Wait(ctx, func() bool {
		cards = cards[:0]
		for _, m := range emu.All() {
			if m.ThreadTS != "" && m.ThreadTS != m.TS && m.Contains("Nobody has voted yet") {
				cards = append(cards, m)
			}
		}
		return len(cards) == o.cards
	}); err != nil {
		return fmt.Errorf("cards not posted: %w", err)
	}
	before, err := commandCalls(ctx, redisAddr)
	if err != nil {
		return err
	}
	cpu := cpuMeter(strconv.Itoa(bot.Process.Pid), "self", redisPID)
	from = len(emu.AckLatencies())
	replies := len(emu.ReplyLatencies())
	start = time.Now()
	votes := o.voters * o.cards * 2
	if err := parallel(o.voters, o.voters, func(i int) error {
		for _, card := range cards {
			for _, row := range []string{"Value", "Effort"} {
				if err := emu.ClickRow(ctx, people[i], card, row, []string{"3", "5", "8"}[i%3]); err != nil {
					return err
				}
			}
		}
		return nil
	}); err != nil {
		return err
	}
	// A vote is done when its voter reads the confirmation: the bot acks
	// first and works after, so acks alone would count work not yet done.
	acked := time.Since(start)
	if err := emu.Wait(ctx, func() bool { return len(emu.ReplyLatencies())-replies >= votes }); err != nil {
		return fmt.Errorf("%d of %d votes confirmed: %w", len(emu.ReplyLatencies())-replies, votes, err)
	}
	elapsed := time.Since(start)
	used := cpu()
	after, err := commandCalls(ctx, redisAddr)
	if err != nil {
		return err
	}
	ours := float64(votes) / elapsed.Seconds()
	add(fmt.Sprintf("%d voters × %d cards × 2 criteria, each voter clicking as soon as the last click is acked", o.voters, o.cards),
		fmt.Sprintf("%.0f votes/s confirmed (all acked after %.1f s, all confirmed after %.1f s); ack %s; click to confirmation %s",
			ours, acked.Seconds(), elapsed.Seconds(), latencies(emu.AckLatencies()[from:]), latencies(emu.ReplyLatencies()[replies:])))
	add("Redis per vote (INFO commandstats)", fmt.Sprintf("%.2f EVALSHA round trips; %.1f commands counting those run inside scripts and card redraws",
		float64(after["evalsha"]-before["evalsha"])/float64(votes), float64(after["total"]-before["total"])/float64(votes)))
	perVote := func(d time.Duration) string { return fmt.Sprintf("%.0f µs", float64(d.Microseconds())/float64(votes)) }
	add("CPU per vote: bot, emulator (with the 500 voters), redis-server", fmt.Sprintf("%s, %s, %s; all three used %.0f%% of the machine's %d cores",
		perVote(used[0]), perVote(used[1]), perVote(used[2]), 100*(used[0]+used[1]+used[2]).Seconds()/elapsed.Seconds()/float64(runtime.NumCPU()), runtime.NumCPU()))
	updates := map[string]int{}
	for _, c := range emu.Calls("chat.update") {
		updates[c.Params["ts"]]++
	}
	perCard := make([]string, 0, len(cards))
	for _, card := range cards {
		perCard = append(perCard, strconv.Itoa(updates[card.TS]))
	}
	add("chat.update calls per card during the vote", strings.Join(perCard, ", ")+fmt.Sprintf(" (the vote took %.1f s)", elapsed.Seconds()))

	// The same voters at a person's pace: each clicks once a second, the
	// clicks spread evenly (an open loop of o.voters clicks a second).
	const seconds = 4
	from, replies = len(emu.AckLatencies()), len(emu.ReplyLatencies())
	if err := parallel(o.voters, o.voters, func(i int) error {
		next := start.Add(elapsed + time.Duration(i)*time.Second/time.Duration(o.voters))
		for k := range seconds {
			time.Sleep(time.Until(next.Add(time.Duration(k) * time.Second)))
			card := cards[k%len(cards)]
			if err := emu.ClickRow(ctx, people[i], card, []string{"Value", "Effort"}[k%2], []string{"1", "2", "13"}[(i+k)%3]); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	if err := emu.Wait(ctx, func() bool { return len(emu.ReplyLatencies())-replies >= o.voters*seconds }); err != nil {
		return fmt.Errorf("open-loop votes not all confirmed: %w", err)
	}
	add(fmt.Sprintf("%d voters each clicking once a second (open loop, %d s)", o.voters, seconds),
		fmt.Sprintf("ack %s; click to confirmation %s", latencies(emu.AckLatencies()[from:]), latencies(emu.ReplyLatencies()[replies:])))

	// Memory with many ideas stored, and lookups among them.
	memBefore, err := usedMemory(ctx, redisAddr)
	if err != nil {
		return err
	}
	if err := seed(ctx, redisAddr, channel, o.stored); err != nil {
		return err
	}
	memAfter, err := usedMemory(ctx, redisAddr)
	if err != nil {
		return err
	}
	from = len(emu.AckLatencies())
	start = time.Now()
	const lookups = 2000
	if err := parallel(lookups, 32, func(i int) error {
		return emu.SlashCommand(ctx, people[i%len(people)], channel, "/backlog", fmt.Sprintf("#%d", 1_000_000+i*(o.stored/lookups)+1))
	}); err != nil {
		return err
	}
	add(fmt.Sprintf("/backlog #N among %d ideas, 32 at once", o.stored), fmt.Sprintf("%.0f/s, ack %s", lookups/time.Since(start).Seconds(), latencies(emu.AckLatencies()[from:])))
	add("Redis memory per stored idea", fmt.Sprintf("%.0f bytes", float64(memAfter-memBefore)/float64(o.stored)))
	add("bot RSS", fmt.Sprintf("%.1f MB", procstat.RSSMB(strconv.Itoa(bot.Process.Pid))))

	raw, err := rawVotes(ctx, redisAddr)
	if err != nil {
		return err
	}
	add("raw vote script, redis-benchmark (50 clients, pipeline 1)", fmt.Sprintf("%.0f calls/s; the bot's votes/s are %.0f%% of it", raw, 100*ours/raw))

	fmt.Println("| What | Figure |\n|---|---|")
	for _, r := range report {
		fmt.Printf("| %s | %s |\n", r[0], r[1])
	}
	return nil
}

// cpuMeter starts measuring the processor time of processes; the function
// it returns says how much each has used since.
func cpuMeter(pids ...string) func() []time.Duration {
	start := make([]time.Duration, len(pids))
	for i, pid := range pids {
		start[i] = procstat.CPU(pid)
	}
	return func() []time.Duration {
		used := make([]time.Duration, len(pids))
		for i, pid := range pids {
			used[i] = procstat.CPU(pid) - start[i]
		}
		return used
	}
}

// parallel runs fn(0..n-1) with at most width at once and returns the first error.
func parallel(n, width int, fn func(i int) error) error {
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	sem := make(chan struct{}, width)
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			if err := fn(i); err != nil {
				once.Do(func() { first = err })
			}
		})
	}
	wg.Wait()
	return first
}

func latencies(l []time.Duration) string {
	if len(l) == 0 {
		return "n/a"
	}
	slices.Sort(l)
	ms := func(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }
	return fmt.Sprintf("p50 %s, p99 %s, max %s", ms(l[len(l)/2]), ms(l[len(l)*99/100]), ms(l[len(l)-1]))
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// startRedis runs redis-server on a free loopback port in dir.
func startRedis(ctx context.Context, dir string) (string, string, func(), error) {
	addr, err := freeAddr()
	if err != nil {
		return "", "", nil, err
	}
	_, port, _ := net.SplitHostPort(addr)
	cmd := exec.CommandContext(ctx, "redis-server", "--port", port, "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--logfile", "")
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

// commandCalls reads INFO commandstats: calls per command, and "total".
func commandCalls(ctx context.Context, addr string) (map[string]int64, error) {
	info, err := redisCLI(ctx, addr, "info", "commandstats")
	if err != nil {
		return nil, err
	}
	calls := map[string]int64{}
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
	return calls, nil
}

func usedMemory(ctx context.Context, addr string) (int64, error) {
	info, err := redisCLI(ctx, addr, "info", "memory")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "used_memory:"); ok {
			return strconv.ParseInt(v, 10, 64)
		}
	}
	return 0, errors.New("no used_memory in INFO")
}

// seed stores n ranked ideas (numbers from 1,000,001) the way the bot
// does, through redis-cli's pipe mode.
func seed(ctx context.Context, addr, channel string, n int) error {
	host, port, _ := net.SplitHostPort(addr)
	cmd := exec.CommandContext(ctx, "redis-cli", "-h", host, "-p", port, "--pipe")
	in, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	w := bufio.NewWriter(in)
	tag := "priobot:{" + slackemu.DefaultTeam + ":" + channel + "}:"
	resp := func(args ...string) {
		fmt.Fprintf(w, "*%d\r\n", len(args))
		for _, a := range args {
			fmt.Fprintf(w, "$%d\r\n%s\r\n", len(a), a)
		}
	}
	now := strconv.FormatInt(time.Now().UnixMilli(), 10)
	for i := range n {
		num := strconv.Itoa(1_000_001 + i)
		score := strconv.FormatFloat(float64(1+i%13)/float64(1+i%5), 'f', -1, 64)
		resp("HSET", tag+"idea:"+num, "number", num, "title", "Seeded idea "+num, "description", "A description of a realistic length for idea "+num,
			"author", "U0001", "author_name", "seeder", "status", "ranked", "created", now, "score", score, "rev", "1",
			"v:value-effort:value", "8", "v:value-effort:effort", "3")
		resp("ZADD", tag+"ranked", "-"+score, fmt.Sprintf("%012s", num))
		resp("HSET", tag+"titles", num, "Seeded idea "+num)
		resp("HSET", "priobot:{"+slackemu.DefaultTeam+"}:idea:channel", num, channel)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	_ = in.Close()
	return cmd.Wait()
}

// rawVotes measures the vote script alone with redis-benchmark.
func rawVotes(ctx context.Context, addr string) (float64, error) {
	sha, err := redisCLI(ctx, addr, "script", "load", store.VoteScript())
	if err != nil {
		return 0, err
	}
	sha = strings.TrimSpace(sha)
	tag := "priobot:{bench:C1}:poker:1"
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
