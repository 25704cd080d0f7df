package commands

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/slack-go/slack"

	"github.com/priobot/priobot/poker"
	"github.com/priobot/priobot/prio"
)

// cardMessage draws a voting card: while voting, who has voted and who is
// missing, and a row of buttons per criterion; once revealed, every vote
// with the statistics, the would-be score and place, and the decisions
// that can be taken; once decided or ended, what happened to it.
func (a *App) cardMessage(ctx context.Context, ps poker.Session, card poker.Card, idea prio.Idea, fw prio.Framework, names map[string]string) Message {
	head := fmt.Sprintf("*#%d %s*", idea.Number, esc(idea.Title))
	if card.Round > 1 {
		head += fmt.Sprintf(" · round %d", card.Round)
	}
	blocks := []slack.Block{section("%s", head)}
	if card.State == poker.CardVoting || card.State == poker.CardRevealed {
		blocks = append(blocks, ideaContext(idea)...) // not a vote on a title alone
	}
	ref := fmt.Sprintf("%d:%d:%d", ps.ID, idea.Number, card.Round)
	name := voterName(ps, names)
	nameAll := func(users []string) string { return nameList(users, name) }
	text := plainText(head)
	hidden := card.State == poker.CardClosed || (card.State == poker.CardLeft && card.Revealed.IsZero())
	switch {
	case card.State == poker.CardVoting:
		status := "Nobody has voted yet"
		if len(card.Voted) > 0 {
			status = "Voted: " + nameAll(card.Voted)
		}
		if missing := ps.Missing(card); len(missing) > 0 {
			status += " · Waiting for: " + nameAll(missing)
		}
		blocks = append(blocks, note("%s", status))
		for _, c := range fw.Criteria {
			better := "lower is better"
			if c.Higher {
				better = "higher is better"
			}
			blocks = append(blocks, section("*%s* · %s", c.Name, better))
			var row []slack.BlockElement
			for _, v := range c.Scale {
				row = append(row, button(actVote+c.Key+":"+c.Label(v), ref, c.Label(v)))
			}
			row = append(row, button(actVote+c.Key+":"+poker.Unsure, ref, poker.Unsure))
			blocks = append(blocks, slack.NewActionBlock("vote-"+c.Key, row...))
		}
		blocks = append(blocks, slack.NewActionBlock("decide", button(actReveal, ref, "Reveal"), button(actSkip, ref, "Skip")))
		text += " — voting: " + status
	case hidden: // closed before anyone saw the votes: they stay hidden
		line := cardOutcome(card, idea)
		blocks = append(blocks, section("%s", line))
		text += " — " + line
	default:
		results := tallies(fw, card)
		for i, c := range fw.Criteria {
			blocks = append(blocks, section("%s", criterionLine(c, results[i], name)))
		}
		if why := revealedBecause(ps, card); why != "" {
			blocks = append(blocks, note("Revealed %s.", why))
		}
		line := cardOutcome(card, idea)
		if card.State == poker.CardRevealed {
			line = a.prospect(ctx, ps, idea, fw, results)
		} else if card.State == poker.CardAccepted {
			line = a.accepted(ctx, ps, idea, fw, results)
		}
		blocks = append(blocks, section("%s", line))
		if card.State == poker.CardRevealed {
			decide := []slack.BlockElement{button(actRevote, ref, "Re-vote"), button(actSkip, ref, "Skip")}
			if _, complete := medians(fw, results); complete {
				decide = append([]slack.BlockElement{button(actAccept, ref, "Accept")}, decide...)
			}
			blocks = append(blocks, slack.NewActionBlock("decide", decide...))
		}
		text += " — " + plainText(line)
	}
	return Message{Text: text, Blocks: blocks}
}

// ideaContext is what a voter reads of an idea above the buttons: its
// description (a few lines of it), who submitted it, from where, how many
// asked for it, and its links.
func ideaContext(idea prio.Idea) []slack.Block {
	var blocks []slack.Block
	if d := strings.TrimSpace(idea.Description); d != "" {
		lines := strings.Split(d, "\n")
		if len(lines) > 3 {
			d = strings.Join(lines[:3], "\n") + "…"
		}
		blocks = append(blocks, section("%s", esc(prio.Shorten(d, 300))))
	}
	who := "Submitted by " + esc(idea.AuthorName)
	switch {
	case idea.Source != nil:
		who += " " + from(idea.Source)
	case idea.Issue != nil && idea.Author == "":
		who = "Imported " + fromIssue(idea.Issue)
	}
	line := who + " · " + plural(idea.Supporters+1, "person") + " asked for it"
	if l := links(idea); l != "" {
		line += " · " + l
	}
	return append(blocks, note("%s", line))
}

// voterName names a voter as the session knows them.
func voterName(ps poker.Session, names map[string]string) func(string) string {
	return func(u string) string {
		if n := names[u]; n != "" {
			return esc(n)
		}
		if i := slices.Index(ps.Voters, u); i >= 0 && ps.VoterNames[i] != "" {
			return esc(ps.VoterNames[i])
		}
		return "someone"
	}
}

// criterionLine writes one criterion's revealed votes and what they say:
// "Value: ann 5 · bob 8 → median 6.5 · spread 1 step · high agreement".
func criterionLine(c prio.Criterion, r poker.Result, name func(string) string) string {
	switch {
	case len(r.Votes) == 0:
		return fmt.Sprintf("*%s*: no votes", c.Name)
	case r.Counted == 0:
		return fmt.Sprintf("*%s*: %s → no numbers yet", c.Name, voteList(r.Votes, name))
	}
	return fmt.Sprintf("*%s*: %s → median %s · spread %s · %s agreement", c.Name, voteList(r.Votes, name),
		c.Label(r.Median), plural(int64(r.Spread), "step"), r.Agreement)
}

// revealedBecause says what revealed a card: "when all 3 named voters had
// voted", "by ann", …; "" for a card not revealed.
func revealedBecause(ps poker.Session, card poker.Card) string {
	switch card.RevealedBy {
	case "":
		return ""
	case "all":
		return fmt.Sprintf("when %s had voted", namedVoters(len(ps.Voters)))
	case "quorum":
		return fmt.Sprintf("when the quorum of %d votes was reached", ps.Quorum)
	case "deadline":
		return "when voting closed at its deadline"
	}
	if card.RevealerName != "" {
		return "by " + esc(card.RevealerName)
	}
	return "by " + esc(ps.FacName)
}

// cardOutcome says what happened to an idea whose card is closed: "skipped,
// left unscored", "closed without reveal — 2 voted", …
func cardOutcome(card poker.Card, idea prio.Idea) string {
	left := "#%d is left unscored."
	if idea.Scored {
		left = "#%d keeps its score " + prio.FormatScore(idea.Score) + "."
	}
	left = fmt.Sprintf(left, idea.Number)
	switch card.State {
	case poker.CardSkipped:
		return "Skipped: " + left
	case poker.CardUnscored:
		return "The session ended before a decision: " + left
	case poker.CardLeft:
		return fmt.Sprintf("#%d is %s now, so it left this session.", idea.Number, idea.Status.Label())
	case poker.CardClosed:
		if voted := len(card.Voted) + len(card.Partial); voted > 0 {
			return fmt.Sprintf("Closed without reveal — %d voted. The votes stay hidden; %s", voted, left)
		}
		return "Closed without reveal — nobody voted. " + left
	}
	return ""
}

// accepted says what a card's Accept wrote and, while the idea still has
// that score, where it sits.
func (a *App) accepted(ctx context.Context, ps poker.Session, idea prio.Idea, fw prio.Framework, results []poker.Result) string {
	values, _ := medians(fw, results)
	score, _ := fw.Score(values)
	text := fmt.Sprintf("Accepted: score %s (%s).", prio.FormatScore(score), fw.Explain(values))
	_, pos, err := a.ideas.Where(ctx, ps.Team, ps.Channel, idea.Number)
	if err == nil && idea.Scored && idea.Score == score && !pos.Queue && pos.Place > 0 {
		text += fmt.Sprintf(" #%d now sits %s of %d.", idea.Number, ordinal(pos.Place), pos.Of)
	}
	return text
}

// namedVoters writes "the named voter", "both named voters", "all 3 named voters".
func namedVoters(n int) string {
	switch n {
	case 1:
		return "the named voter"
	case 2:
		return "both named voters"
	}
	return fmt.Sprintf("all %d named voters", n)
}

// prospect says what a revealed card's votes would make of the idea, or
// which criteria have no numbers yet.
func (a *App) prospect(ctx context.Context, ps poker.Session, idea prio.Idea, fw prio.Framework, results []poker.Result) string {
	values, ok := medians(fw, results)
	if !ok {
		var none []string
		for i, c := range fw.Criteria {
			if results[i].Counted == 0 {
				none = append(none, c.Name)
			}
		}
		return fmt.Sprintf("No numbers yet for %s: re-vote, or skip to leave #%d as it is.", strings.Join(none, ", "), idea.Number)
	}
	agreement := fmt.Sprintf("Agreement: %s.", poker.Worst(results))
	score, _ := fw.Score(values)
	place, of, err := a.ideas.WouldRank(ctx, ps.Team, ps.Channel, idea.Number, score)
	if err != nil {
		return fmt.Sprintf("%s Would score %s (%s).", agreement, prio.FormatScore(score), fw.Explain(values))
	}
	return fmt.Sprintf("%s Would score %s (%s) and sit %s of %d.", agreement, prio.FormatScore(score), fw.Explain(values), ordinal(place), of)
}

// shownNames is how many people a card names in a list before it counts
// the rest: a card must fit Slack's 3,000 characters a section whatever the crowd.
const shownNames = 30

// nameList writes "ann, bob, … and 12 more", within shownNames names and
// 1,200 characters (names are escaped, so may be long).
func nameList(users []string, name func(string) string) string {
	var b strings.Builder
	shown := 0
	for _, u := range users {
		n := name(u)
		if shown == shownNames || b.Len()+len(n) > 1200 {
			break
		}
		if shown > 0 {
			b.WriteString(", ")
		}
		b.WriteString(n)
		shown++
	}
	if rest := len(users) - shown; rest > 0 {
		fmt.Fprintf(&b, " and %d more", rest)
	}
	return b.String()
}

// voteList writes each vote ("ann 8 · bob 5"), or for a crowd how many
// gave each value ("8 ×210 · 5 ×150").
func voteList(votes []poker.Vote, name func(string) string) string {
	if len(votes) <= shownNames {
		out := make([]string, len(votes))
		for i, v := range votes {
			out[i] = name(v.Voter) + " " + v.Value
		}
		if text := strings.Join(out, " · "); len(text) <= 2000 {
			return text
		}
	}
	counts := map[string]int{}
	var values []string
	for _, v := range votes {
		if counts[v.Value] == 0 {
			values = append(values, v.Value)
		}
		counts[v.Value]++
	}
	slices.SortFunc(values, func(a, b string) int {
		if counts[a] != counts[b] {
			return counts[b] - counts[a]
		}
		return strings.Compare(a, b)
	})
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = fmt.Sprintf("%s ×%d", v, counts[v])
	}
	return strings.Join(out, " · ")
}

// tallies computes each criterion's statistics, in framework order.
func tallies(fw prio.Framework, card poker.Card) []poker.Result {
	out := make([]poker.Result, len(fw.Criteria))
	for i, c := range fw.Criteria {
		var votes []poker.Vote
		for voter, v := range card.Votes[c.Key] {
			votes = append(votes, poker.Vote{Voter: voter, Value: v})
		}
		out[i] = poker.Tally(c, votes)
	}
	return out
}

// medians are the values Accept writes, by criterion id; ok is false when a
// criterion has no numeric vote.
func medians(fw prio.Framework, results []poker.Result) (map[string]float64, bool) {
	values := map[string]float64{}
	for i, c := range fw.Criteria {
		if results[i].Counted == 0 {
			return nil, false
		}
		values[c.ID] = results[i].Median
	}
	return values, true
}
