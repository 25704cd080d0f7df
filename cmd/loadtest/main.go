// Command loadtest drives the real priobot binary through the Slack
// emulator with a real redis-server, and reports throughput, ack latency,
// Redis commands per vote, chat.update calls per card, the bot's memory
// and Redis memory per idea, and the raw vote script's speed measured by
// redis-benchmark. It only talks to 127.0.0.1 and stops by itself.
//
//	go run ./cmd/loadtest -voters 500 -cards 4
package main

import (
	"context"
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
)

func main() {
	var o options
	flag.IntVar(&o.voters, "voters", 500, "concurrent voters")
	flag.IntVar(&o.cards, "cards", 4, "poker cards they vote on (each voter votes on every criterion of every card)")
	flag.IntVar(&o.ideas, "ideas", 1000, "ideas submitted concurrently before the vote")
	flag.IntVar(&o.stored, "stored", 100_000, "ideas stored in Redis for the memory and lookup figures")
	flag.IntVar(&o.sockets, "sockets", 2, "Socket Mode connections the bot opens (SOCKET_CONNECTIONS)")
	flag.BoolVar(&o.cluster, "cluster", false, "run on a three-master Redis Cluster instead of one redis-server")
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
	cluster                               bool
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
	rs, err := startRedis(dir, o.cluster)
	if err != nil {
		return err
	}
	defer rs.stop()
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
		"SLACK_API_URL="+emu.APIURL(), "REDIS_URL="+rs.url(), "HTTP_ADDR="+httpAddr, "LOG_LEVEL=warn",
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
	before, err := rs.commandCalls(ctx)
	if err != nil {
		return err
	}
	cpu := cpuMeter(append([]string{strconv.Itoa(bot.Process.Pid), "self"}, rs.pids()...)...)
	from = len(emu.AckLatencies())
	replies := emu.Replies()
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
	if err := emu.Wait(ctx, func() bool { return emu.Replies()-replies >= votes }); err != nil {
		return fmt.Errorf("%d of %d votes confirmed: %w", emu.Replies()-replies, votes, err)
	}
	elapsed := time.Since(start)
	used := cpu()
	after, err := rs.commandCalls(ctx)
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
	var redisCPU, all time.Duration
	for i, u := range used {
		if i >= 2 {
			redisCPU += u
		}
		all += u
	}
	add(fmt.Sprintf("CPU per vote: bot, emulator (with the %d voters), Redis", o.voters), fmt.Sprintf("%s, %s, %s; together %.0f%% of the machine's %d cores",
		perVote(used[0]), perVote(used[1]), perVote(redisCPU), 100*all.Seconds()/elapsed.Seconds()/float64(runtime.NumCPU()), runtime.NumCPU()))
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
	from, replies = len(emu.AckLatencies()), emu.Replies()
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
	if err := emu.Wait(ctx, func() bool { return emu.Replies()-replies >= o.voters*seconds }); err != nil {
		return fmt.Errorf("open-loop votes not all confirmed: %w", err)
	}
	add(fmt.Sprintf("%d voters each clicking once a second (open loop, %d s)", o.voters, seconds),
		fmt.Sprintf("ack %s; click to confirmation %s", latencies(emu.AckLatencies()[from:]), latencies(emu.ReplyLatencies()[replies:])))

	// Memory with many ideas stored, and lookups among them.
	memBefore, err := rs.usedMemory(ctx)
	if err != nil {
		return err
	}
	if err := seed(ctx, rs.url(), channel, o.stored); err != nil {
		return err
	}
	memAfter, err := rs.usedMemory(ctx)
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

	raw, err := rs.rawVotes(ctx)
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
