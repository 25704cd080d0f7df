package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/priobot/priobot/outbox"
	"github.com/priobot/priobot/prio"
)

// score serves `/backlog score #12 value=8 effort=3`.
func (a *App) score(ctx context.Context, r Request) (*Reply, error) {
	fw, err := a.store.Framework(ctx, r.Team, r.Channel)
	if err != nil {
		return nil, err
	}
	n, values, err := prio.ParseScore(r.Text, fw)
	if err != nil {
		return nil, err
	}
	before, _, err := a.store.Where(ctx, r.Team, r.Channel, n)
	if err != nil {
		return nil, err
	}
	var (
		idea prio.Idea
		told int
	)
	err = a.asOwner(ctx, r, fmt.Sprintf("score #%d", n), func(actor prio.Actor) (err error) {
		idea, told, err = a.store.SetScore(ctx, r.Team, r.Channel, n, actor, values, 0, a.now())
		return err
	})
	if err != nil {
		return nil, err
	}
	a.announced(ctx, r.Team, r.Channel)
	a.refreshCard(r.Team, r.Channel, n)
	a.homesChanged(r.Team, r.Channel)
	if !idea.Scored {
		var missing []string
		for _, c := range fw.Criteria {
			if _, ok := idea.Values[c.ID]; !ok {
				missing = append(missing, c.Key)
			}
		}
		return ephemeral(fmt.Sprintf("Saved. #%d still needs %s before it is ranked.", n, strings.Join(missing, ", "))), nil
	}
	if before.Status == idea.Status {
		// No status change: nobody else needs a DM.
		_, where, err := a.whereText(ctx, r.Team, r.Channel, n)
		if err != nil {
			return nil, err
		}
		return ephemeral(plainText("Saved. "+where), section("Saved. %s", where)), nil
	}
	return a.announce(ctx, r, outbox.Item{Kind: outbox.Scored, Idea: n, Rescored: before.Scored}, told)
}

// framework serves `/backlog framework [name]`: no name shows the current
// framework and the choices; a name switches and re-ranks.
func (a *App) framework(ctx context.Context, r Request) (*Reply, error) {
	current, err := a.store.Framework(ctx, r.Team, r.Channel)
	if err != nil {
		return nil, err
	}
	if r.Text == "" {
		var lines []string
		for _, f := range prio.Frameworks {
			mark := ""
			if f.Name == current.Name {
				mark = " ← this backlog"
			}
			lines = append(lines, fmt.Sprintf("`%s` %s: score = %s; criteria %s%s", f.Name, f.Title, f.Formula, criteriaText(f), mark))
		}
		text := fmt.Sprintf("This backlog scores with *%s*. Switch with `/backlog framework &lt;name&gt;`:\n%s", current.Name, strings.Join(lines, "\n"))
		return ephemeral(plainText(text), section("%s", text)), nil
	}
	fw, err := prio.LookupFramework(r.Text)
	if err != nil {
		return nil, err
	}
	if fw.Name == current.Name {
		return ephemeral(fmt.Sprintf("This backlog already scores with %s.", fw.Name)), nil
	}
	err = a.asOwner(ctx, r, "switch its framework", func(actor prio.Actor) error {
		return a.store.SetFramework(ctx, r.Team, r.Channel, fw, actor)
	})
	if err != nil {
		return nil, err
	}
	a.homesChanged(r.Team, r.Channel)
	counts, err := a.store.Counts(ctx, r.Team, r.Channel)
	if err != nil {
		return nil, err
	}
	keys := make([]string, len(fw.Criteria))
	for i, c := range fw.Criteria {
		keys[i] = c.Key
	}
	waiting := counts[prio.StatusNew]
	text := fmt.Sprintf("%s switched this backlog to *%s* (%s) and re-ranked it by the values ideas already had: %s %s awaiting scoring. `/backlog framework` shows the scales.",
		esc(r.UserName), fw.Title, strings.Join(keys, ", "), plural(waiting, "idea"), isAre(int(waiting)))
	return &Reply{Message: Message{Text: plainText(text), Blocks: []slack.Block{section("%s", text)}}, InChannel: true}, nil
}

// criteriaText writes "value (1 2 3 5 8 13, higher is better), effort (…)".
func criteriaText(f prio.Framework) string {
	parts := make([]string, len(f.Criteria))
	for i, c := range f.Criteria {
		labels := make([]string, len(c.Scale))
		for j, v := range c.Scale {
			labels[j] = c.Label(v)
		}
		better := "lower is better"
		if c.Higher {
			better = "higher is better"
		}
		parts[i] = fmt.Sprintf("%s (%s; %s)", c.Key, strings.Join(labels, " "), better)
	}
	return strings.Join(parts, ", ")
}
