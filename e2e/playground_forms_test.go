package e2e

import (
	"github.com/priobot/priobot/internal/playground"

	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

func nav(label string) string {
	return `//nav//button[normalize-space()=` + quote(label) + `]`
}

func menuItem(label string) string {
	return `//ul[@id="menu"]/li[normalize-space()=` + quote(label) + `]`
}

func quote(s string) string { return `"` + s + `"` }

// field is a modal's input by its visible label.
func field(label string) string {
	return `//div[@id="modalBody"]//div[contains(@class,"input")][@aria-label=` + quote(label) + `]`
}

// TestPlaygroundFormsShortcutsHomeAndFiles: the rest of what priobot
// shows, in the browser: a message's ⋯ menu, the ⚡ menu, forms with text,
// channel, people and option pickers, usage hints, Home, the CSV in a DM
// and the matrix shown inline.
func TestPlaygroundFormsShortcutsHomeAndFiles(t *testing.T) {
	t.Setenv("REDIS_URL", "")
	b := newBrowser(t)
	url, _ := startPlayground(t, playground.Options{Addr: "127.0.0.1:0"})
	b.run("open the page", chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(`body[data-ready="true"]`)))

	// emi adds a customer's request from #support to #product's backlog.
	b.actAs("emi")
	b.click(nav("# support"))
	b.typeIn("Customers keep asking for an offline mode")
	request := message("messages", "Customers keep asking for an offline mode")
	b.click(request + `//button[@aria-label="More actions"]`)
	b.click(menuItem("Add to backlog"))
	b.see(`//div[@id="modal"]//h1[normalize-space()="New idea"]`)
	if got := b.eval("read the title", `document.querySelector('#modalBody [data-block="title"] input').value`); got != "Customers keep asking for an offline mode" {
		t.Errorf("the form's title is %q", got)
	}
	b.see(field("Requested by") + `//label[normalize-space()="emi"]/input[@checked]`)
	b.run("pick #product", chromedp.SendKeys(field("Backlog")+`//select`, "#p"))
	b.screenshot("5-form")
	b.click(`//button[@id="modalSubmit"][normalize-space()="Add to backlog"]`)
	b.run("the form closes", chromedp.WaitNotVisible(chromedp.ID("modal")))
	b.click(request + `//button[normalize-space()="1 reply"]`)
	b.see(message("replies", "Added to", "#product", "as #1"))

	// ava scores it with the help of the usage hints, and posts the matrix.
	b.actAs("ava")
	b.click(nav("# product"))
	b.see(message("messages", "#1 Customers keep asking for an offline mode", "from emi"))
	b.run("type /ba", chromedp.SendKeys(chromedp.ID("text"), "/ba"))
	if hint := b.see(`//ul[@id="hints"]/li[contains(., "/backlog")]`); !strings.Contains(hint, "See this channel's backlog") {
		t.Errorf("the hint reads %q", hint)
	}
	b.run("complete it", chromedp.SendKeys(chromedp.ID("text"), "\t"))
	if got := b.eval("read the composer", `document.getElementById('text').value`); got != "/backlog " {
		t.Errorf("Tab completed %q", got)
	}
	b.typeIn("score #1 value=8 effort=3")
	b.see(message("messages", "Only visible to you", "You scored #1"))
	b.typeIn("/backlog matrix")
	matrix := message("messages") + `//img[contains(@class,"file-image")]`
	b.see(matrix)
	if width := b.eval("measure the matrix", `String(document.querySelector('#messages img.file-image').naturalWidth)`); width == "0" {
		t.Error("the matrix picture did not load")
	}

	// The CSV export arrives in ava's DM, as a download.
	b.typeIn("/backlog export")
	b.click(nav("● priobot"))
	link := message("messages", "backlog") + `//a[@download]`
	b.see(link)
	csv := b.eval("download the CSV", `fetch(document.evaluate('`+link+`', document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue.href).then(r => r.text())`)
	if !strings.Contains(csv, "Customers keep asking for an offline mode") {
		t.Errorf("the CSV reads %q", csv)
	}

	// ⚡ New idea into #design; /poker alone opens a form with every kind of picker.
	b.click(`//button[@id="shortcuts"]`)
	b.click(menuItem("New idea"))
	b.run("fill the form", chromedp.SendKeys(field("Title")+`//input`, "Offline maps"), chromedp.SendKeys(field("Backlog")+`//select`, "#d"))
	b.click(`//button[@id="modalSubmit"]`)
	b.run("the form closes", chromedp.WaitNotVisible(chromedp.ID("modal")))
	b.click(nav("# design"))
	b.see(message("messages", "#2 Offline maps"))
	b.typeIn("/poker")
	b.see(`//div[@id="modal"]//h1[normalize-space()="Priority poker"]`)
	b.click(field("Ideas to score") + `//label[contains(., "#2 Offline maps")]/input`)
	for _, who := range []string{"ben", "cleo"} {
		b.click(field("Voters (empty: anyone in the channel)") + `//label[normalize-space()=` + quote(who) + `]/input`)
	}
	b.run("pick a deadline", chromedp.SendKeys(field("Voting closes after")+`//select`, "24"))
	b.screenshot("6-poker-form")
	b.click(`//button[@id="modalSubmit"][normalize-space()="Start"]`)
	if session := b.see(message("messages", "Priority poker run by ava")); !strings.Contains(session, "Voters: ben, cleo") || !strings.Contains(session, "#2 Offline maps") {
		t.Errorf("the session reads %q", session)
	}

	// The card's ⋯ menu moves #2; the settings form switches #design's framework.
	b.run("pick Change status… in #2's menu", chromedp.SendKeys(message("messages", "#2 Offline maps")+`//select[contains(@class,"overflow")]`, "C")) // one key: one pick
	b.see(`//div[@id="modal"]//h1[normalize-space()="Move #2"]`)
	b.run("pick planned", chromedp.SendKeys(field("Move it to")+`//select`, "pl"))
	b.click(`//button[@id="modalSubmit"][normalize-space()="Move"]`)
	b.see(message("messages", "Only visible to you", "You moved #2 Offline maps from awaiting scoring to planned"))
	b.typeIn("/backlog settings")
	b.see(`//div[@id="modal"]//h1[normalize-space()="Backlog settings"]`)
	b.run("pick ICE", chromedp.SendKeys(field("Scoring framework")+`//select`, "ICE"))
	b.click(`//button[@id="modalSubmit"][normalize-space()="Save"]`)
	b.see(message("messages", "ava switched this backlog to ICE"))

	// Home is ava's own.
	b.click(nav("Home"))
	home := b.see(`//div[@id="messages"]//div[contains(@class,"home")][contains(., "Your ideas")]`)
	if !strings.Contains(home, "Offline maps") {
		t.Errorf("ava's Home reads %q", home)
	}
	b.screenshot("7-home")
	b.noPageErrors()
}

// TestPlaygroundDemoLinksLeadToTheCards: in the demo, ava's Home lists the
// votes she owes, and their links open each card in its thread, as
// Slack's permalinks do; her DM has dev's invitation.
func TestPlaygroundDemoLinksLeadToTheCards(t *testing.T) {
	t.Setenv("REDIS_URL", "")
	b := newBrowser(t)
	url, _ := startPlayground(t, playground.Options{Addr: "127.0.0.1:0", Demo: true})
	b.run("open the page", chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(`body[data-ready="true"]`)))
	b.click(nav("Home"))
	b.see(`//div[contains(@class,"home")][contains(., "Votes you owe")]`)
	b.click(`//div[contains(@class,"home")]//a[normalize-space()="#6 Public API rate-limit headers"]`)
	if card := b.see(message("replies", "#6 Public API rate-limit headers")); !strings.Contains(card, "Waiting for: ava") {
		t.Errorf("the linked card reads %q", card)
	}
	b.click(nav("● priobot"))
	b.see(message("messages", "dev asks you to vote in priority poker on #6 and #10 in #product."))
	b.noPageErrors()
}
