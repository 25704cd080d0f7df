package commands

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/priobot/priobot/prio"
)

// pageSize is how many ranked ideas a listing shows at once; queueShown how
// many of those awaiting scoring.
const (
	pageSize   = 10
	queueShown = 5
)

// pageClicked serves **Next** and **Previous** under a listing.
func (a *App) pageClicked(ctx context.Context, r Request) (*Reply, error) {
	page, err := strconv.ParseInt(r.Value, 10, 64)
	if err != nil || page < 0 || page > 1<<20 {
		return nil, prio.Errorf(prio.Invalid, "That button is broken; type `/backlog` again.")
	}
	reply, err := a.listing(ctx, r, page)
	if err != nil {
		return nil, err
	}
	reply.Replace = true
	return reply, nil
}

// listing is one page of the backlog: counts, ranked ideas, and the oldest
// ideas awaiting scoring.
func (a *App) listing(ctx context.Context, r Request, page int64) (*Reply, error) {
	counts, err := a.ideas.Counts(ctx, r.Team, r.Channel)
	if err != nil {
		return nil, err
	}
	ranked, total, err := a.ideas.Ranked(ctx, r.Team, r.Channel, page*pageSize, pageSize)
	if err != nil {
		return nil, err
	}
	waiting, queued, err := a.ideas.Awaiting(ctx, r.Team, r.Channel, 0, queueShown)
	if err != nil {
		return nil, err
	}
	if total == 0 && queued == 0 && len(counts) == 0 {
		return ephemeral("This channel's backlog is empty. Submit the first idea with `/idea &lt;title&gt;`."), nil
	}
	head := fmt.Sprintf("Backlog of %s: %s", channelRef(r.Channel), countLine(counts))
	blocks := []slack.Block{section("*%s*", head)}
	lines := []string{head}
	if total > 0 {
		order := fmt.Sprintf("*Ranked by score* (%d: every idea in play with a score, planned and in progress included)", total)
		blocks = append(blocks, section("%s", order))
		lines = append(lines, plainText(order))
	}
	for i, idea := range ranked {
		line := fmt.Sprintf("*%d.* #%d %s — score %s", page*pageSize+int64(i)+1, idea.Number, esc(idea.Title), prio.FormatScore(idea.Score))
		if idea.Status != prio.StatusRanked {
			line += " · " + idea.Status.Label() // planned, in progress
		}
		if idea.Supporters > 0 {
			line += " · " + plural(idea.Supporters, "supporter")
		}
		blocks = append(blocks, withMenu(idea, r.Channel, "%s", line))
		lines = append(lines, plainText(line))
	}
	var nav []slack.BlockElement
	if page > 0 {
		nav = append(nav, button(actPage, strconv.FormatInt(page-1, 10), "Previous"))
	}
	if (page+1)*pageSize < total {
		nav = append(nav, button(actPage, strconv.FormatInt(page+1, 10), "Next"))
	}
	if len(nav) > 0 {
		blocks = append(blocks, slack.NewActionBlock("pages", nav...))
	}
	if queued > 0 && page == 0 {
		blocks = append(blocks, section("*Awaiting scoring* (%d, oldest first)", queued))
		for _, idea := range waiting {
			blocks = append(blocks, withMenu(idea, r.Channel, "#%d %s", idea.Number, esc(idea.Title)))
			lines = append(lines, fmt.Sprintf("#%d %s (awaiting scoring)", idea.Number, esc(idea.Title)))
		}
		if more := queued - int64(len(waiting)); more > 0 {
			blocks = append(blocks, note("…and %d more: `/poker next 5` scores the oldest, `/backlog export` lists them all.", more))
		}
	}
	if page == 0 {
		working, n, err := a.ideas.Unscored(ctx, r.Team, r.Channel, 0, queueShown)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			blocks = append(blocks, section("*In the works, not scored* (%d)", n))
		}
		for _, idea := range working {
			line := fmt.Sprintf("#%d %s — %s", idea.Number, esc(idea.Title), idea.Status.Label())
			blocks = append(blocks, withMenu(idea, r.Channel, "%s", line))
			lines = append(lines, line)
		}
		if more := n - int64(len(working)); more > 0 {
			blocks = append(blocks, note("…and %d more: `/backlog export` lists them all.", more))
		}
	}
	return ephemeral(strings.Join(lines, "\n"), blocks...), nil
}

// countLine writes "4 scored · 2 awaiting scoring · 1 shipped": how many
// ideas have each status.
func countLine(counts map[prio.Status]int64) string {
	var parts []string
	for _, s := range prio.AllStatuses {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], s.Label()))
		}
	}
	if len(parts) == 0 {
		return "no ideas"
	}
	return strings.Join(parts, " · ")
}

// minePage is how many of a person's ideas `/backlog mine` shows at once.
const minePage = 20

// mine serves `/backlog mine [page]`: the user's ideas, newest first, each
// with where it sits, minePage at a time.
func (a *App) mine(ctx context.Context, r Request) (*Reply, error) {
	page := int64(1)
	if r.Text != "" {
		n, err := strconv.ParseInt(r.Text, 10, 64)
		if err != nil || n < 1 || n > 1<<20 {
			return nil, prio.Errorf(prio.Invalid, "Say which page of your ideas, like `/backlog mine 2`, or just `/backlog mine`.")
		}
		page = n
	}
	refs, total, err := a.ideas.UserIdeas(ctx, r.Team, r.User, (page-1)*minePage, minePage)
	if err != nil {
		return nil, err
	}
	if total == 0 {
		return ephemeral("You haven't submitted any ideas yet. Try `/idea &lt;title&gt;` in a channel."), nil
	}
	if len(refs) == 0 {
		return ephemeral(fmt.Sprintf("You have %s, so there is no page %d. `/backlog mine` shows the newest.", plural(total, "idea"), page)), nil
	}
	head := "Your ideas"
	if total > minePage {
		from := (page-1)*minePage + 1
		head = fmt.Sprintf("Your ideas, %d–%d of %d, newest first", from, from+int64(len(refs))-1, total)
	}
	blocks := []slack.Block{section("*%s*", head)}
	lines := []string{head}
	for _, ref := range refs {
		line, err := a.shortWhere(ctx, ref.Team, ref.Channel, ref.Number)
		if err != nil {
			continue // an idea that vanished is not worth failing the list for
		}
		blocks = append(blocks, section("%s", line))
		lines = append(lines, plainText(line))
	}
	if more := total - (page-1)*minePage - int64(len(refs)); more > 0 {
		next := fmt.Sprintf("…and %d older: `/backlog mine %d` shows the next %d.", more, page+1, min(more, minePage))
		blocks = append(blocks, note("%s", next))
		lines = append(lines, next)
	}
	return ephemeral(strings.Join(lines, "\n"), blocks...), nil
}

// shortWhere is one line on an idea: "#12 Dark mode — 3rd of 27 in #product".
func (a *App) shortWhere(ctx context.Context, team, channel string, n int64) (string, error) {
	idea, pos, err := a.ideas.Where(ctx, team, channel, n)
	if err != nil {
		return "", err
	}
	line := fmt.Sprintf("#%d %s — ", idea.Number, esc(idea.Title))
	switch {
	case idea.Status == prio.StatusMerged:
		line += fmt.Sprintf("merged into #%d", idea.MergedInto)
		if into, err := a.ideas.Ideas(ctx, team, channel, []int64{idea.MergedInto}); err == nil && len(into) == 1 {
			line += " " + esc(into[0].Title)
		}
	case !idea.Status.Open():
		line += idea.Status.Label()
	case pos.Place == 0:
		line += idea.Status.Label() + " without a score"
	case pos.Queue:
		line += fmt.Sprintf("%s of %d awaiting scoring", ordinal(pos.Place), pos.Of)
	default:
		line += fmt.Sprintf("%s of %d, score %s", ordinal(pos.Place), pos.Of, prio.FormatScore(idea.Score))
	}
	return line + " in " + channelRef(channel), nil
}

// maxResults bounds a search answer.
const maxResults = 20

// search serves `/backlog search <words>`: ideas of this channel whose
// title or description holds every word.
func (a *App) search(ctx context.Context, r Request) (*Reply, error) {
	words, err := prio.ParseSearch(r.Text)
	if err != nil {
		return nil, err
	}
	ideas, err := a.allIdeas(ctx, r.Team, r.Channel)
	if err != nil {
		return nil, err
	}
	var hits []prio.Idea
	for _, idea := range ideas {
		text := strings.ToLower(idea.Title + " " + idea.Description)
		if !slices.ContainsFunc(words, func(w string) bool { return !strings.Contains(text, w) }) {
			hits = append(hits, idea)
		}
	}
	query := esc(strings.Join(words, " "))
	if len(hits) == 0 {
		return ephemeral(fmt.Sprintf("No idea in this channel's backlog matches “%s”.", query)), nil
	}
	head := fmt.Sprintf("%s matching “%s”", plural(int64(len(hits)), "idea"), query)
	blocks := []slack.Block{section("*%s*", head)}
	lines := []string{head}
	for _, idea := range hits[:min(len(hits), maxResults)] {
		line := fmt.Sprintf("#%d %s — %s", idea.Number, esc(idea.Title), idea.Status.Label())
		blocks = append(blocks, withMenu(idea, r.Channel, "%s", line))
		lines = append(lines, line)
	}
	if len(hits) > maxResults {
		blocks = append(blocks, note("and %d more; add words to narrow it down", len(hits)-maxResults))
	}
	return ephemeral(strings.Join(lines, "\n"), blocks...), nil
}

// allIdeas loads every idea of a backlog, oldest first.
func (a *App) allIdeas(ctx context.Context, team, channel string) ([]prio.Idea, error) {
	titles, err := a.ideas.Titles(ctx, team, channel)
	if err != nil {
		return nil, err
	}
	numbers := make([]int64, 0, len(titles))
	for n := range titles {
		numbers = append(numbers, n)
	}
	slices.Sort(numbers)
	var out []prio.Idea
	for chunk := range slices.Chunk(numbers, 500) {
		ideas, err := a.ideas.Ideas(ctx, team, channel, chunk)
		if err != nil {
			return nil, err
		}
		out = append(out, ideas...)
	}
	return out, nil
}
