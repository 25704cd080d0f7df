package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/priobot/priobot/prio"
)

// The fields of an idea's HASH. Criterion values are stored as "v:<id>".
const (
	fNumber     = "number"
	fTitle      = "title"
	fDesc       = "description"
	fAuthor     = "author"
	fAuthorName = "author_name"
	fStatus     = "status"
	fCreated    = "created" // unix milliseconds, like every time here
	fCardTS     = "card_ts"
	fScore      = "score" // "" until every criterion of the framework has a value
	fScoredAt   = "scored_at"
	fScoredBy   = "scored_by"
	fScoredName = "scored_by_name"
	fScoredVia  = "scored_via"
	fStatusBy   = "status_by"
	fStatusName = "status_by_name"
	fStatusAt   = "status_at"
	fReason     = "reason"
	fMergedInto = "merged_into"
	fRev        = "rev"
	fVia        = "via"    // how it came in: command, form or message
	fPlaced     = "placed" // where owners placed it on the roadmap: now, later or none
	fGoal       = "goal"   // the id of the goal it serves
	// Where an idea made from a Slack message came from.
	fSourceChannel = "source_channel"
	fSourceTS      = "source_ts"
	fSourceAuthor  = "source_author"
	fSourceName    = "source_author_name"
	fSourceLink    = "source_permalink"
	fSourceSilent  = "source_silent" // "1": priobot cannot post in its thread
	// The tracker issue an idea is linked to.
	fIssueRepo   = "issue_repo"
	fIssueNumber = "issue_number"
	fIssueURL    = "issue_url"
	fIssueAuthor = "issue_author"
	fCommentID   = "issue_comment"     // priobot's comment on the issue
	fCommentRev  = "issue_comment_rev" // the idea's rev it was written at
	fCommentAt   = "issue_comment_at"
	fIssueSeen   = "issue_seen"           // its state as last seen or written
	fCommentDue  = "issue_comment_queued" // "1": the outbox holds a write of the comment
	valuePrefix  = "v:"
)

func admin(a prio.Actor) string {
	if a.Admin {
		return "1"
	}
	return "0"
}

// CreateIdea gives idea the team's next number and stores it in its
// channel's backlog, awaiting scoring; it returns the idea and its 1-based
// place in that queue. Numbers come from one INCR per team, so they are
// never reused across goroutines, replicas or restarts.
func (s *Store) CreateIdea(ctx context.Context, idea prio.Idea) (prio.Idea, int64, error) {
	idea, place, _, err := s.create(ctx, idea, nil)
	return idea, place, err
}

// create stores a new idea; one made from a Slack message (idea.Source)
// is made once per backlog: when the message made an idea here already,
// nothing is created and that idea's number is returned as taken.
// requesters become its supporters.
func (s *Store) create(ctx context.Context, idea prio.Idea, requesters []string) (prio.Idea, int64, int64, error) {
	n, err := s.rdb.Incr(ctx, ideaSeqKey(idea.Team)).Result()
	if err != nil {
		return prio.Idea{}, 0, 0, translate(err)
	}
	idea.Number = n
	t, c := idea.Team, idea.Channel
	args := []any{n, member(n), idea.Title, idea.Created.UnixMilli(), "", strings.Join(requesters, ","),
		fNumber, n, fTitle, idea.Title, fDesc, idea.Description, fAuthor, idea.Author, fAuthorName, idea.AuthorName,
		fStatus, string(idea.Status), fCreated, idea.Created.UnixMilli(), fScore, "", fRev, 0, fVia, idea.Via}
	if src := idea.Source; src != nil {
		args[4] = sourceRef(src.Channel, src.TS)
		args = append(args, fSourceChannel, src.Channel, fSourceTS, src.TS, fSourceAuthor, src.Author, fSourceName, src.AuthorName,
			fSourceLink, src.Permalink)
	}
	if is := idea.Issue; is != nil {
		args[4] = issueRef(is.Repo, is.Number)
		args = append(args, fIssueRepo, is.Repo, fIssueNumber, is.Number, fIssueURL, is.URL, fIssueAuthor, is.Author, fIssueSeen, is.Seen)
	}
	res, err := createIdea.Run(ctx, s.rdb,
		with(with([]string{ideaKey(t, c, n), awaitingKey(t, c), titlesKey(t, c), countsKey(t, c), activityKey(t, c), supportersKey(t, c, n)},
			eventKeys(t, c)), []string{sourcesKey(t, c), historyKey(t, c, n)}),
		args...).Int64Slice()
	if err != nil {
		return prio.Idea{}, 0, 0, translate(err)
	}
	place, taken := res[0], res[1]
	if taken != 0 {
		return prio.Idea{}, 0, taken, nil
	}
	if place == 0 {
		return prio.Idea{}, 0, 0, fmt.Errorf("idea number %d of team %s already in use", n, t)
	}
	// The indexes live in the team's slot, so they are written apart from
	// the backlog; an idea missing from them is still listed in its channel.
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, ideaIndexKey(t), n, c)
		if idea.Author != "" { // one imported from a tracker has no author in Slack
			p.ZAdd(ctx, userIdeasKey(t, idea.Author), redis.Z{Score: float64(n), Member: c + ":" + strconv.FormatInt(n, 10)})
		}
		p.SAdd(ctx, backlogsKey(t), c)
		if idea.Author != "" && idea.Via != "github" {
			p.Set(ctx, lastBacklogKey(t, idea.Author), c, 0)
		}
		if src := idea.Source; src != nil {
			p.HSet(ctx, messageIdeasKey(t), src.Channel+":"+src.TS, c+":"+strconv.FormatInt(n, 10))
		}
		for _, u := range requesters {
			if u != idea.Author {
				p.ZAdd(ctx, userSupportsKey(t, u), redis.Z{Score: float64(idea.Created.UnixMilli()), Member: c + ":" + strconv.FormatInt(n, 10)})
			}
		}
		return nil
	})
	if err != nil {
		return prio.Idea{}, 0, 0, translate(err)
	}
	idea.Supporters = int64(len(requesters))
	return idea, place, 0, nil
}

// SetCardTS remembers the ts of an idea's card message.
func (s *Store) SetCardTS(ctx context.Context, team, channel string, number int64, ts string) error {
	return translate(s.rdb.HSet(ctx, ideaKey(team, channel, number), fCardTS, ts).Err())
}

// Locate returns the channel whose backlog holds idea number n, or NotFound.
func (s *Store) Locate(ctx context.Context, team string, n int64) (string, error) {
	c, err := s.rdb.HGet(ctx, ideaIndexKey(team), strconv.FormatInt(n, 10)).Result()
	if err == redis.Nil {
		return "", prio.Errorf(prio.NotFound, "There is no idea #%d.", n)
	}
	return c, translate(err)
}

// Where returns an idea with where it sits in its backlog: one round trip.
func (s *Store) Where(ctx context.Context, team, channel string, n int64) (prio.Idea, prio.Position, error) {
	res, err := position.Run(ctx, s.rdb,
		[]string{ideaKey(team, channel, n), rankedKey(team, channel), awaitingKey(team, channel), supportersKey(team, channel, n), metaKey(team, channel)},
		member(n)).Slice()
	if err != nil {
		return prio.Idea{}, prio.Position{}, translate(err)
	}
	if len(res) == 0 {
		return prio.Idea{}, prio.Position{}, notHere(n)
	}
	idea := decodeIdea(team, channel, pairs(res[0]))
	idea.Supporters = res[1].(int64)
	named, _ := res[6].([]any)
	var name, def string
	if len(named) == 2 {
		name, _ = named[0].(string)
		def, _ = named[1].(string)
	}
	fw, err := prio.FrameworkFor(name, def)
	if err != nil {
		return prio.Idea{}, prio.Position{}, err
	}
	pos := prio.Position{Place: res[2].(int64), Of: res[3].(int64), Queue: res[4].(int64) == 1, Framework: fw.Name, FrameworkDef: def}
	for _, m := range res[5].([]any) {
		pos.Above = append(pos.Above, parseMember(m.(string)))
	}
	return idea, pos, nil
}

func notHere(n int64) error {
	return prio.Errorf(prio.NotFound, "There is no idea #%d in this channel's backlog.", n)
}

// Ranked returns up to limit of a backlog's ranked ideas from offset (best
// first) and how many are ranked in all.
func (s *Store) Ranked(ctx context.Context, team, channel string, offset, limit int64) ([]prio.Idea, int64, error) {
	return s.page(ctx, team, channel, rankedKey(team, channel), offset, limit)
}

// Awaiting returns up to limit of a backlog's ideas awaiting scoring, oldest
// first from offset, and how many there are in all.
func (s *Store) Awaiting(ctx context.Context, team, channel string, offset, limit int64) ([]prio.Idea, int64, error) {
	return s.page(ctx, team, channel, awaitingKey(team, channel), offset, limit)
}

// Unscored returns up to limit of a backlog's ideas planned or in progress
// without a score, oldest first from offset, and how many there are.
func (s *Store) Unscored(ctx context.Context, team, channel string, offset, limit int64) ([]prio.Idea, int64, error) {
	return s.page(ctx, team, channel, unscoredKey(team, channel), offset, limit)
}

// page reads a slice of a sorted set of ideas: two round trips, the
// members and then one pipeline of the ideas.
func (s *Store) page(ctx context.Context, team, channel, key string, offset, limit int64) ([]prio.Idea, int64, error) {
	var (
		members *redis.StringSliceCmd
		total   *redis.IntCmd
	)
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		members = p.ZRange(ctx, key, offset, offset+limit-1)
		total = p.ZCard(ctx, key)
		return nil
	})
	if err != nil {
		return nil, 0, translate(err)
	}
	numbers := make([]int64, len(members.Val()))
	for i, m := range members.Val() {
		numbers[i] = parseMember(m)
	}
	ideas, err := s.Ideas(ctx, team, channel, numbers)
	return ideas, total.Val(), err
}

// Ideas loads ideas of one backlog by number, in order, with their
// supporter counts, skipping numbers that are not there.
func (s *Store) Ideas(ctx context.Context, team, channel string, numbers []int64) ([]prio.Idea, error) {
	if len(numbers) == 0 {
		return nil, nil
	}
	hashes := make([]*redis.MapStringStringCmd, len(numbers))
	counts := make([]*redis.IntCmd, len(numbers))
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, n := range numbers {
			hashes[i] = p.HGetAll(ctx, ideaKey(team, channel, n))
			counts[i] = p.SCard(ctx, supportersKey(team, channel, n))
		}
		return nil
	})
	if err != nil {
		return nil, translate(err)
	}
	out := make([]prio.Idea, 0, len(numbers))
	for i, h := range hashes {
		if len(h.Val()) > 0 {
			idea := decodeIdea(team, channel, h.Val())
			idea.Supporters = counts[i].Val()
			out = append(out, idea)
		}
	}
	return out, nil
}

// Titles returns every idea's title in a backlog by number.
func (s *Store) Titles(ctx context.Context, team, channel string) (map[int64]string, error) {
	return numbered(ctx, s, titlesKey(team, channel), func(title string) string { return title })
}

// Counts returns how many ideas a backlog has in each status.
func (s *Store) Counts(ctx context.Context, team, channel string) (map[prio.Status]int64, error) {
	raw, err := s.rdb.HGetAll(ctx, countsKey(team, channel)).Result()
	if err != nil {
		return nil, translate(err)
	}
	out := map[prio.Status]int64{}
	for k, v := range raw {
		if n, _ := strconv.ParseInt(v, 10, 64); n > 0 {
			out[prio.Status(k)] = n
		}
	}
	return out, nil
}

// UserIdeas lists the (channel, number) of up to limit of the ideas a
// person submitted, newest first from offset, and how many they submitted.
func (s *Store) UserIdeas(ctx context.Context, team, user string, offset, limit int64) ([]prio.Idea, int64, error) {
	return s.userList(ctx, team, userIdeasKey(team, user), offset, limit)
}

// UserSupports lists the (channel, number) of up to limit of the ideas a
// person supports or asked for, newest first from offset, and how many.
func (s *Store) UserSupports(ctx context.Context, team, user string, offset, limit int64) ([]prio.Idea, int64, error) {
	return s.userList(ctx, team, userSupportsKey(team, user), offset, limit)
}

// noteSupport keeps a person's supports index in step with a Me too.
func (s *Store) noteSupport(ctx context.Context, team, channel string, n int64, user string, on bool, now time.Time) error {
	m := channel + ":" + strconv.FormatInt(n, 10)
	if on {
		return translate(s.rdb.ZAdd(ctx, userSupportsKey(team, user), redis.Z{Score: float64(now.UnixMilli()), Member: m}).Err())
	}
	return translate(s.rdb.ZRem(ctx, userSupportsKey(team, user), m).Err())
}

// userList reads a page of a person's index of ideas (ZSET "channel:number").
func (s *Store) userList(ctx context.Context, team, key string, offset, limit int64) ([]prio.Idea, int64, error) {
	var (
		page  *redis.StringSliceCmd
		total *redis.IntCmd
	)
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		page = p.ZRevRange(ctx, key, offset, offset+limit-1)
		total = p.ZCard(ctx, key)
		return nil
	})
	if err != nil {
		return nil, 0, translate(err)
	}
	refs := page.Val()
	out := make([]prio.Idea, 0, len(refs))
	for _, ref := range refs {
		c, num, _ := strings.Cut(ref, ":")
		n, _ := strconv.ParseInt(num, 10, 64)
		out = append(out, prio.Idea{Team: team, Channel: c, Number: n})
	}
	return out, total.Val(), nil
}

func pairs(v any) map[string]string {
	list, _ := v.([]any)
	out := make(map[string]string, len(list)/2)
	for i := 0; i+1 < len(list); i += 2 {
		out[list[i].(string)] = list[i+1].(string)
	}
	return out
}

// numbered reads a HASH keyed by number (an idea's, a session's) into a
// map, each value parsed by value.
func numbered[V any](ctx context.Context, s *Store, key string, value func(string) V) (map[int64]V, error) {
	raw, err := s.rdb.HGetAll(ctx, key).Result()
	if err != nil {
		return nil, translate(err)
	}
	out := make(map[int64]V, len(raw))
	for k, v := range raw {
		out[parseMember(k)] = value(v)
	}
	return out, nil
}

func parseMember(m string) int64 {
	n, _ := strconv.ParseInt(m, 10, 64)
	return n
}

func millis(s string) time.Time {
	ms, _ := strconv.ParseInt(s, 10, 64)
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

func decodeIdea(team, channel string, h map[string]string) prio.Idea {
	idea := prio.Idea{
		Team: team, Channel: channel, Number: parseMember(h[fNumber]),
		Title: h[fTitle], Description: h[fDesc], Author: h[fAuthor], AuthorName: h[fAuthorName],
		Status: prio.Status(h[fStatus]), Created: millis(h[fCreated]), CardTS: h[fCardTS],
		Values:   map[string]float64{},
		ScoredAt: millis(h[fScoredAt]), ScoredBy: h[fScoredBy], ScoredByName: h[fScoredName], ScoredVia: h[fScoredVia],
		StatusBy: h[fStatusBy], StatusByName: h[fStatusName], StatusAt: millis(h[fStatusAt]), Reason: h[fReason],
		MergedInto: parseMember(h[fMergedInto]), Rev: parseMember(h[fRev]), Agreement: h["agreement"],
		Placed: prio.Lane(h[fPlaced]), Goal: parseMember(h[fGoal]),
	}
	if h["links"] != "" {
		_ = json.Unmarshal([]byte(h["links"]), &idea.Links)
	}
	if h[fIssueRepo] != "" {
		n, _ := strconv.Atoi(h[fIssueNumber])
		idea.Issue = &prio.IssueLink{Repo: h[fIssueRepo], Number: n, URL: h[fIssueURL], Author: h[fIssueAuthor],
			CommentedAt: millis(h[fCommentAt]), Seen: h[fIssueSeen], CommentQueued: h[fCommentDue] == "1"}
		idea.Issue.Comment, _ = strconv.ParseInt(h[fCommentID], 10, 64)
		idea.Issue.CommentedRev, _ = strconv.ParseInt(h[fCommentRev], 10, 64)
	}
	if h[fSourceTS] != "" {
		idea.Source = &prio.Source{Channel: h[fSourceChannel], TS: h[fSourceTS], Author: h[fSourceAuthor], AuthorName: h[fSourceName],
			Permalink: h[fSourceLink], Silent: h[fSourceSilent] == "1"}
	}
	if h[fScore] != "" {
		idea.Score, _ = strconv.ParseFloat(h[fScore], 64)
		idea.Scored = true
	}
	for k, v := range h {
		if id, ok := strings.CutPrefix(k, valuePrefix); ok {
			idea.Values[id], _ = strconv.ParseFloat(v, 64)
		}
	}
	return idea
}
