package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/priobot/priobot/poker"
	"github.com/priobot/priobot/prio"
)

// historyPage is how many entries `/backlog history` shows at a time.
const historyPage = 20

// history serves `/backlog history #12 [page]`: the idea's story, oldest
// first, privately; poker scores with their rounds' revealed votes.
func (a *App) history(ctx context.Context, r Request) (*Reply, error) {
	ref, rest := prio.SplitWord(r.Text)
	n, err := prio.ParseRef(ref)
	if err != nil {
		return nil, err
	}
	page := int64(1)
	if rest = strings.TrimSpace(rest); rest != "" {
		if page, err = strconv.ParseInt(rest, 10, 64); err != nil || page < 1 {
			return nil, prio.Errorf(prio.Invalid, "Pages are numbered from 1, like `/backlog history #%d 2`.", n)
		}
	}
	idea, _, err := a.ideas.Where(ctx, r.Team, r.Channel, n)
	if err != nil {
		return nil, err
	}
	events, total, earlier, err := a.ideas.History(ctx, r.Team, r.Channel, n, (page-1)*historyPage, historyPage)
	if err != nil {
		return nil, err
	}
	pages := max(1, (total+historyPage-1)/historyPage)
	head := fmt.Sprintf("*History of #%d %s*", n, esc(prio.Shorten(idea.Title, 80)))
	if pages > 1 {
		head += fmt.Sprintf(" (page %d of %d)", page, pages)
	}
	lines := []string{head}
	if earlier > 0 && page == 1 {
		lines = append(lines, fmt.Sprintf("_%s before these are summarised away._", plural(earlier, "older entry")))
	}
	if len(events) == 0 {
		lines = append(lines, "Nothing on this page.")
	}
	for _, group := range supportDays(events) {
		lines = append(lines, "• "+date(time.UnixMilli(group[0].At))+" — "+a.entryText(ctx, idea, group))
	}
	if page < pages {
		lines = append(lines, fmt.Sprintf("`/backlog history #%d %d` goes on.", n, page+1))
	}
	text := strings.Join(lines, "\n")
	return ephemeral(plainText(text), section("%s", prio.Shorten(text, 2900))), nil
}

// supportDays groups a day's many support changes into one entry (more
// than 3 in a day); every other entry stands alone.
func supportDays(events []prio.Event) [][]prio.Event {
	var out [][]prio.Event
	day := func(e prio.Event) string { return time.UnixMilli(e.At).UTC().Format("2006-01-02") }
	for i := 0; i < len(events); i++ {
		e := events[i]
		if e.Kind != "support" {
			out = append(out, []prio.Event{e})
			continue
		}
		j := i
		for j+1 < len(events) && events[j+1].Kind == "support" && day(events[j+1]) == day(e) {
			j++
		}
		if j-i+1 > 3 {
			out = append(out, events[i:j+1])
		} else {
			for _, one := range events[i : j+1] {
				out = append(out, []prio.Event{one})
			}
		}
		i = j
	}
	return out
}

// entryText says what an entry (or a day's support changes) did.
func (a *App) entryText(ctx context.Context, idea prio.Idea, group []prio.Event) string {
	e := group[0]
	who := esc(e.Name)
	if len(group) > 1 {
		var joined, left int64
		for _, g := range group {
			if g.On {
				joined += max(1, g.N)
			} else {
				left++
			}
		}
		return fmt.Sprintf("%s joined its supporters, %s left", plural(joined, "person"), plural(left, "person"))
	}
	switch e.Kind {
	case "created":
		via := map[string]string{"command": "with /idea", "form": "through the form", "message": "from a Slack message"}[e.Via]
		if e.Via == "message" && idea.Source != nil {
			via = from(idea.Source)
		}
		if e.Via == "github" && idea.Issue != nil {
			return "imported " + fromIssue(idea.Issue)
		}
		return strings.TrimSpace("submitted by " + who + " " + via)
	case "support":
		switch {
		case !e.On:
			return who + " no longer supports it"
		case e.N > 1:
			return fmt.Sprintf("%s added its message again: %s joined its supporters", who, plural(e.N, "person"))
		}
		return who + " supports it"
	case "status":
		from, to := prio.Status(e.From), prio.Status(e.To)
		switch {
		case to == prio.StatusDeclined:
			return fmt.Sprintf("%s declined it: “%s”", who, esc(prio.Shorten(e.Reason, 200)))
		case !from.Open():
			return fmt.Sprintf("%s reopened it (it was %s)", who, from.Label())
		}
		return fmt.Sprintf("%s moved it from %s to %s", who, from.Label(), to.Label())
	case "score":
		return a.scored(ctx, idea, e)
	case "merged_into":
		return fmt.Sprintf("%s merged it into #%d", who, e.Into)
	case "merged_in":
		if e.N > 0 {
			return fmt.Sprintf("%s merged #%d into it; %s moved from #%d", who, e.FromIdea, plural(e.N, "supporter"), e.FromIdea)
		}
		return fmt.Sprintf("%s merged #%d into it", who, e.FromIdea)
	case "renamed":
		return fmt.Sprintf("renamed on %s from “%s”", esc(e.Name), esc(e.From))
	case "roadmap":
		from, to := prio.Lane(e.From), prio.Lane(e.To)
		switch {
		case from == prio.Off:
			return fmt.Sprintf("%s put it on the roadmap in %s", who, to.Title())
		case to == prio.Off:
			return fmt.Sprintf("%s took it off the roadmap (it was in %s)", who, from.Title())
		}
		return fmt.Sprintf("%s moved it from %s to %s on the roadmap", who, from.Title(), to.Title())
	case "goal":
		switch {
		case e.From == "":
			return fmt.Sprintf("%s put it under the goal %s", who, esc(e.To))
		case e.To == "":
			return fmt.Sprintf("%s took it out of the goal %s", who, esc(e.From))
		}
		return fmt.Sprintf("%s moved it from the goal %s to %s", who, esc(e.From), esc(e.To))
	case "link":
		if e.On {
			return fmt.Sprintf("%s linked it to %s", who, esc(e.URL))
		}
		return fmt.Sprintf("%s removed its link to %s", who, esc(e.URL))
	}
	return e.Kind
}

// scored tells a score change: an owner's, or a poker result with each
// round's revealed votes, medians and agreement.
func (a *App) scored(ctx context.Context, idea prio.Idea, e prio.Event) string {
	score := func(s string) string {
		if s == "" {
			return "no score"
		}
		f, _ := strconv.ParseFloat(s, 64)
		return prio.FormatScore(f)
	}
	if e.Via == "ratings" {
		change := "the score is " + score(e.To)
		switch {
		case e.To == "":
			change = "it still needs the other criteria before it is ranked"
		case e.From != "":
			change = fmt.Sprintf("the score went from %s to %s", score(e.From), score(e.To))
		}
		return fmt.Sprintf("%s set %s from %s; %s", esc(e.Name), esc(e.Value), plural(e.N, "stakeholder rating"), change)
	}
	if e.Via != "poker" {
		if e.From == "" {
			return fmt.Sprintf("%s scored it %s", esc(e.Name), score(e.To))
		}
		return fmt.Sprintf("%s re-scored it from %s to %s", esc(e.Name), score(e.From), score(e.To))
	}
	out := fmt.Sprintf("scored %s in priority poker run by %s", score(e.To), esc(e.Name))
	ps, err := a.poker.Session(ctx, idea.Team, idea.Channel, e.Session)
	if err != nil {
		return out
	}
	rounds, err := a.poker.Rounds(ctx, ps, idea.Number)
	fw, ferr := ps.Scoring()
	if err != nil || ferr != nil {
		return out
	}
	names, _ := a.poker.VoterNames(ctx, ps.Team, ps.Channel, ps.ID)
	for i, round := range rounds {
		var parts []string
		for _, c := range fw.Criteria {
			var votes []poker.Vote
			var shown []string
			for voter, v := range round[c.Key] {
				votes = append(votes, poker.Vote{Voter: voter, Value: v})
			}
			t := poker.Tally(c, votes)
			for _, v := range t.Votes {
				name := names[v.Voter]
				if name == "" {
					name = v.Voter
				}
				shown = append(shown, esc(name)+" "+v.Value)
			}
			median := "no numbers"
			if t.Counted > 0 {
				median = "median " + c.Label(t.Median)
			}
			parts = append(parts, fmt.Sprintf("%s: %s → %s, %s agreement", c.Name, strings.Join(shown, " · "), median, t.Agreement))
		}
		out += fmt.Sprintf("\n      round %d: %s", i+1, strings.Join(parts, "; "))
	}
	return out
}
