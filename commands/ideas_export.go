package commands

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/priobot/priobot/prio"
)

// export serves `/backlog export`: the whole backlog as an RFC 4180 CSV,
// sent to the user privately, in the order the backlog ranks it.
func (a *App) export(ctx context.Context, r Request) (*Reply, error) {
	ideas, err := a.allIdeas(ctx, r.Team, r.Channel)
	if err != nil {
		return nil, err
	}
	if len(ideas) == 0 {
		return ephemeral("This channel's backlog is empty; there is nothing to export yet."), nil
	}
	fw, err := a.settings.Framework(ctx, r.Team, r.Channel)
	if err != nil {
		return nil, err
	}
	places, err := a.places(ctx, r.Team, r.Channel)
	if err != nil {
		return nil, err
	}
	goals, err := a.roadmap.Goals(ctx, r.Team, r.Channel)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for _, g := range goals {
		names[g.ID] = g.Name
	}
	data, err := backlogCSV(ideas, places, fw, names, r.ChannelName)
	if err != nil {
		return nil, err
	}
	name := fmt.Sprintf("backlog-%s-%s.csv", r.ChannelName, a.now().UTC().Format("2006-01-02"))
	comment := fmt.Sprintf("The backlog of %s: %s, ranked first, then awaiting scoring, oldest first.", channelRef(r.Channel), plural(int64(len(ideas)), "idea"))
	if err := a.slack.UploadToDM(ctx, r.User, File{Name: name, Title: "Backlog export", Comment: comment, Content: data}); err != nil {
		return nil, err
	}
	return ephemeral(fmt.Sprintf("I've sent you %s as a CSV file in a direct message.", plural(int64(len(ideas)), "idea"))), nil
}

// place is where an idea sits for the export: its list and its place
// there (1-based).
type place struct {
	list string // "ranked" or "awaiting scoring"
	at   int64
}

// places reads where every ranked and awaiting idea sits.
func (a *App) places(ctx context.Context, team, channel string) (map[int64]place, error) {
	out := map[int64]place{}
	for _, l := range []struct {
		name string
		read func(context.Context, string, string, int64, int64) ([]prio.Idea, int64, error)
	}{{"ranked", a.ideas.Ranked}, {"awaiting scoring", a.ideas.Awaiting}} {
		for offset := int64(0); ; offset += 500 {
			ideas, total, err := l.read(ctx, team, channel, offset, 500)
			if err != nil {
				return nil, err
			}
			for i, idea := range ideas {
				out[idea.Number] = place{l.name, offset + int64(i) + 1}
			}
			if offset+500 >= total || len(ideas) == 0 {
				break
			}
		}
	}
	return out, nil
}

// defuse keeps a spreadsheet from running typed text as a formula (an idea
// titled =HYPERLINK(…) opened in Excel): such a cell gets a leading quote.
func defuse(text string) string {
	if text != "" && strings.ContainsRune("=+-@\t\r", rune(text[0])) {
		return "'" + text
	}
	return text
}

// backlogCSV writes every field of every idea, one row each, in RFC 4180:
// the ranking first, then the ideas awaiting scoring, then the others by
// number; people's names beside their ids.
func backlogCSV(ideas []prio.Idea, places map[int64]place, fw prio.Framework, goals map[int64]string, channelName string) ([]byte, error) {
	rank := func(i prio.Idea) (int, int64) {
		p, ok := places[i.Number]
		switch {
		case ok && p.list == "ranked":
			return 0, p.at
		case ok:
			return 1, p.at
		}
		return 2, i.Number
	}
	ideas = slices.Clone(ideas)
	slices.SortStableFunc(ideas, func(a, b prio.Idea) int {
		la, pa := rank(a)
		lb, pb := rank(b)
		if la != lb {
			return la - lb
		}
		return int(pa - pb)
	})
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	header := []string{"place", "number", "title", "description", "status", "score", "framework"}
	for _, c := range fw.Criteria {
		header = append(header, c.Key)
	}
	header = append(header, "supporters", "requesters", "author", "author_name", "created", "scored_at", "scored_via", "scored_by",
		"scored_by_name", "status_by", "status_by_name", "status_at", "reason", "merged_into", "channel", "channel_name", "source_message", "links", "lane", "goal")
	_ = w.Write(header)
	stamp := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	for _, idea := range ideas {
		score, where := "", ""
		if idea.Scored {
			score = strconv.FormatFloat(idea.Score, 'f', -1, 64)
		}
		if p, ok := places[idea.Number]; ok {
			where = strconv.FormatInt(p.at, 10)
			if p.list != "ranked" {
				where = fmt.Sprintf("%s %d", p.list, p.at)
			}
		}
		row := []string{where, strconv.FormatInt(idea.Number, 10), defuse(idea.Title), defuse(idea.Description), idea.Status.Label(), score, fw.Name}
		for _, c := range fw.Criteria {
			value := ""
			if v, ok := idea.Values[c.ID]; ok {
				value = c.Label(v)
			}
			row = append(row, value)
		}
		merged, source := "", ""
		if idea.MergedInto > 0 {
			merged = strconv.FormatInt(idea.MergedInto, 10)
		}
		if idea.Source != nil {
			source = idea.Source.Permalink
		}
		row = append(row, strconv.FormatInt(idea.Supporters, 10), strconv.FormatInt(idea.Supporters+1, 10), idea.Author, defuse(idea.AuthorName),
			stamp(idea.Created), stamp(idea.ScoredAt), idea.ScoredVia, idea.ScoredBy, defuse(idea.ScoredByName), idea.StatusBy,
			defuse(idea.StatusByName), stamp(idea.StatusAt), defuse(idea.Reason), merged, idea.Channel, channelName, source, strings.Join(idea.Links, " "),
			string(idea.Lane()), defuse(goals[idea.Goal]))
		_ = w.Write(row)
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}
