package e2e

import (
	"github.com/priobot/priobot/internal/playground"

	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// startPlayground runs `priobot playground` in the test's process and
// returns the page's address and when it was printed.
func startPlayground(t *testing.T, o playground.Options) (string, time.Time) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- playground.Run(ctx, o, &strings.Builder{}, func(url string) { ready <- url }) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("the playground stopped with %v", err)
		}
	})
	select {
	case url := <-ready:
		return url, time.Now()
	case err := <-done:
		t.Fatalf("the playground did not start: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("the playground did not print its address within 30 s")
	}
	return "", time.Time{}
}

// browser is a headless Chromium on the playground's page.
type browser struct {
	t     *testing.T
	ctx   context.Context
	shots string // where screenshots go
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	var path string
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		t.Fatal("no chromium on PATH: `make test` installs Debian's chromium package (apt-get install chromium)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1400, 900),
		// This machine's network is closed: no background calls home.
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// Start the browser on the tab's own context: one started on a
	// step's context with a timeout would close with that step.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("chromium did not start: %v", err)
	}
	shots := os.Getenv("PLAYGROUND_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	return &browser{t: t, ctx: ctx, shots: shots}
}

func (b *browser) run(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.screenshot("failed")
		b.t.Fatalf("%s: %v", what, err)
	}
}

func (b *browser) screenshot(name string) {
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Logf("no screenshot %s: %v", name, err)
		return
	}
	file := filepath.Join(b.shots, "playground-"+name+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Error(err)
	}
	b.t.Logf("screenshot %s", file)
}

// XPath selectors for what a person sees, by visible text.
func message(pane string, parts ...string) string {
	sel := fmt.Sprintf(`//div[@id=%q]/div[contains(@class,"message")]`, pane)
	for _, p := range parts {
		sel += fmt.Sprintf(`[contains(., %q)]`, p)
	}
	return sel
}

func buttonIn(msg, label string) string {
	return msg + fmt.Sprintf(`//button[normalize-space()=%q]`, label)
}

// buttonInRow is the button labelled label in the row under the section
// whose text starts with row ("Value", "Effort").
func buttonInRow(msg, row, label string) string {
	return msg + fmt.Sprintf(`//div[contains(@class,"section")][starts-with(normalize-space(.), %q)]/following-sibling::div[contains(@class,"actions")][1]/button[normalize-space()=%q]`, row, label)
}

func person(name string) string {
	return fmt.Sprintf(`//button[@data-person][normalize-space()=%q]`, name)
}

func (b *browser) actAs(name string) {
	b.t.Helper()
	b.run("act as "+name, chromedp.Click(person(name)),
		chromedp.WaitVisible(person(name)+`[@aria-pressed="true"]`))
}

// click clicks what sel finds, as a person clicks what they see: when the
// page redrew it between finding and clicking, it is found again.
func (b *browser) click(sel string) {
	b.t.Helper()
	for try := 1; ; try++ {
		ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
		err := chromedp.Do(ctx, chromedp.Click(sel))
		cancel()
		if err == nil {
			return
		}
		if try == 3 || !strings.Contains(err.Error(), "Could not find node") {
			b.screenshot("failed")
			b.t.Fatalf("click %s: %v", sel, err)
		}
	}
}

func (b *browser) see(sel string) string {
	b.t.Helper()
	b.run("see "+sel, chromedp.WaitVisible(sel))
	return b.eval("read "+sel, fmt.Sprintf(`document.evaluate(%q, document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue.innerText`, sel))
}

func (b *browser) typeIn(line string) {
	b.t.Helper()
	b.run("type "+line, chromedp.SendKeys(chromedp.ID("text"), line+"\r"))
}

// clickLatency clicks sel in the page and measures, in the page, how long
// until the message holding it shows something else.
func (b *browser) clickLatency(sel string) time.Duration {
	b.t.Helper()
	js := fmt.Sprintf(`(async () => {
		const button = document.evaluate(%q, document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue;
		const card = button.closest('.message'), before = card.innerText, pane = card.parentElement;
		const start = performance.now();
		button.click();
		await new Promise((done) => {
			const look = () => {
				const now = pane.querySelector('[data-ts="' + card.dataset.ts + '"]');
				if (now && now.innerText !== before && !now.querySelector('button:disabled')) done(); else requestAnimationFrame(look);
			};
			look();
		});
		return performance.now() - start;
	})()`, sel)
	b.run("see "+sel, chromedp.WaitVisible(sel))
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	ms, err := chromedp.Run(ctx, chromedp.Evaluate[float64](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("click %s: %v", sel, err)
	}
	return time.Duration(ms * float64(time.Millisecond))
}

// TestPlaygroundInABrowser runs the ritual in headless Chromium
// as people would: an idea, support from a colleague, poker in the
// thread by two voters, the reveal, accept, and where the idea now sits.
func TestPlaygroundInABrowser(t *testing.T) {
	t.Setenv("REDIS_URL", "") // the embedded Redis
	// The playground never reads SLACK_*: these would make it fail.
	t.Setenv("SLACK_BOT_TOKEN", "xoxb-not-for-the-playground")
	t.Setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")
	b := newBrowser(t)
	url, printed := startPlayground(t, playground.Options{Addr: "127.0.0.1:0"})
	b.run("open the page", chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(`body[data-ready="true"]`)))
	t.Logf("the page was usable %v after the address was printed", time.Since(printed).Round(time.Millisecond))

	// 1. ava types an idea and sees its card.
	b.typeIn("/idea Dark mode | for late-night work")
	card := message("messages", "#1 Dark mode")
	if text := b.see(card); !strings.Contains(text, "for late-night work") || !strings.Contains(text, "Submitted by ava") {
		t.Errorf("the card reads %q", text)
	}
	b.see(message("messages", "Only visible to you", "Thanks! #1 Dark mode is in #product's backlog"))
	b.screenshot("1-idea")

	// 2. dev supports it.
	b.actAs("dev")
	if b.see(card); len(b.texts(message("messages", "Only visible to you"))) != 0 {
		t.Error("dev sees ava's private receipt")
	}
	b.click(buttonIn(card, "Me too"))
	b.see(card + `[contains(., "1 supporter")]`)

	// 3. ava starts poker with ben and cleo, and opens its thread.
	b.actAs("ava")
	b.typeIn("/poker #1 with @ben @cleo")
	session := message("messages", "Priority poker run by ava")
	if text := b.see(session); !strings.Contains(text, "Voters: ben, cleo") {
		t.Errorf("the session reads %q", text)
	}
	b.click(session + `//button[contains(@class,"replies-link")]`)
	vote := message("replies", "#1 Dark mode")
	b.see(vote + `[contains(., "Waiting for: ben, cleo")]`)

	// 4. ben votes in the thread, by the buttons he sees.
	b.actAs("ben")
	latency := b.clickLatency(buttonInRow(vote, "Value", "5"))
	t.Logf("click to updated card: %v", latency.Round(100*time.Microsecond))
	b.see(message("replies", "Only visible to you", "Value 5"))
	b.click(buttonInRow(vote, "Effort", "3"))
	b.see(vote + `[contains(., "Voted: ben")]`)

	// 5. cleo votes and sees the reveal.
	b.actAs("cleo")
	b.see(vote + `[contains(., "Waiting for: cleo")]`)
	b.screenshot("2-mid-poker")
	b.click(buttonInRow(vote, "Value", "8"))
	b.click(buttonInRow(vote, "Effort", "3"))
	revealed := b.see(vote + `[contains(., "Value: ben 5 · cleo 8")]`)
	if !strings.Contains(revealed, "Effort: ben 3 · cleo 3") {
		t.Errorf("the revealed card reads %q", revealed)
	}
	b.screenshot("3-revealed")

	// 6. ava accepts, and reads where #1 now sits.
	b.actAs("ava")
	b.click(buttonIn(vote, "Accept"))
	b.see(vote + `[contains(., "Accepted")]`)
	b.typeIn("/backlog #1")
	where := b.see(message("messages", "Only visible to you", "#1 Dark mode sits"))
	if !strings.Contains(where, "sits 1st of 1") {
		t.Errorf("where #1 sits reads %q", where)
	}
	b.screenshot("4-where")
	b.noPageErrors()
}

// noPageErrors fails the test when the page's script failed somewhere.
func (b *browser) noPageErrors() {
	b.t.Helper()
	if err := b.eval("read the page's errors", `document.body.dataset.error || ""`); err != "" {
		b.t.Errorf("the page failed: %s", err)
	}
}

func (b *browser) texts(sel string) []string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	nodes, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](fmt.Sprintf(`(() => { const r = document.evaluate(%q, document, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null); const out = []; for (let i = 0; i < r.snapshotLength; i++) out.push(r.snapshotItem(i).innerText); return out; })()`, sel)))
	if err != nil {
		b.t.Fatalf("read %s: %v", sel, err)
	}
	return nodes
}

// eval runs a script in the page and returns its text.
func (b *browser) eval(what, js string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.screenshot("failed")
		b.t.Fatalf("%s: %v", what, err)
	}
	return out
}
