package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/priobot/priobot/poker"
	"github.com/priobot/priobot/prio"
)

// StartSession stores a new session with a card for each of its ideas
// that is not on an open card already, and returns its id and which ideas
// it took. taken names, for each idea left out, the session whose open
// card holds it. With every idea taken, nothing is stored and sid is 0.
func (s *Store) StartSession(ctx context.Context, ps poker.Session) (sid int64, started []int64, taken map[int64]int64, err error) {
	t, c := ps.Team, ps.Channel
	if sid, err = s.rdb.Incr(ctx, pokerSeqKey(t, c)).Result(); err != nil {
		return 0, nil, nil, translate(err)
	}
	deadline := int64(0)
	if !ps.Deadline.IsZero() {
		deadline = ps.Deadline.UnixMilli()
	}
	keys := []string{sessionKey(t, c, sid), inPlayKey(t, c)}
	args := []any{sid, len(ps.Ideas)}
	for _, n := range ps.Ideas {
		keys = append(keys, cardKey(t, c, sid, n))
		args = append(args, n)
	}
	keys = append(keys, outboxKeys(t, c)...)
	args = append(args, "id", sid, "facilitator", ps.Facilitator, "facilitator_name", ps.FacName,
		"voters", strings.Join(ps.Voters, ","), "voter_names", strings.Join(ps.VoterNames, ","), "deadline", deadline,
		"quorum", ps.Quorum, "created", ps.Created.UnixMilli(), "state", poker.SessionOpen, "framework", ps.Framework, "framework_def", ps.FrameworkDef, "ts", "",
		"remind", map[bool]string{true: "off", false: "on"}[ps.NoRemind])
	res, err := startSession.Run(ctx, s.rdb, keys, args...).StringSlice()
	if err != nil {
		return 0, nil, nil, translate(err)
	}
	bar := slices.Index(res, "|")
	for _, n := range res[1:bar] {
		started = append(started, parseMember(n))
	}
	taken = map[int64]int64{}
	for i := bar + 1; i+1 < len(res); i += 2 {
		taken[parseMember(res[i])] = parseMember(res[i+1])
	}
	if res[0] == "none" {
		return 0, nil, taken, nil
	}
	ref := c + "|" + strconv.FormatInt(sid, 10)
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.SAdd(ctx, teamsKey(), t)
		p.ZAdd(ctx, openSessionsKey(t), redis.Z{Score: float64(ps.Created.UnixMilli()), Member: ref})
		if deadline > 0 && len(ps.Voters) > 0 && !ps.NoRemind {
			// The earliest a voter may be reminded: three quarters in.
			first := ps.Created.Add(ps.Deadline.Sub(ps.Created) * 3 / 4)
			p.ZAdd(ctx, remindersKey(t), redis.Z{Score: float64(first.UnixMilli()), Member: ref})
		}
		if deadline > 0 {
			p.ZAdd(ctx, deadlinesKey(t), redis.Z{Score: float64(deadline), Member: ref})
		}
		return nil
	})
	return sid, started, taken, translate(err)
}

// LeaveCard closes card n of session sid, whose idea left play, and
// reports whether it did (false when the card was decided already).
func (s *Store) LeaveCard(ctx context.Context, team, channel string, sid, n int64) (bool, error) {
	left, err := leaveCard.Run(ctx, s.rdb, []string{sessionKey(team, channel, sid), cardKey(team, channel, sid, n), inPlayKey(team, channel)},
		sid, n).Int()
	return left == 1, translate(err)
}

// InPlay returns the ideas of a backlog that are on an open poker card,
// with the session holding each.
func (s *Store) InPlay(ctx context.Context, team, channel string) (map[int64]int64, error) {
	return numbered(ctx, s, inPlayKey(team, channel), parseMember)
}

// SetSessionTS and SetCardTS remember the messages of a session.
func (s *Store) SetSessionTS(ctx context.Context, team, channel string, sid int64, ts string) error {
	return translate(s.rdb.HSet(ctx, sessionKey(team, channel, sid), "ts", ts).Err())
}

// SetPokerCardTS remembers the ts of a card's message.
func (s *Store) SetPokerCardTS(ctx context.Context, team, channel string, sid, n int64, ts string) error {
	return translate(s.rdb.HSet(ctx, cardKey(team, channel, sid, n), "ts", ts).Err())
}

// Session reads a session, or NotFound.
func (s *Store) Session(ctx context.Context, team, channel string, sid int64) (poker.Session, error) {
	h, err := s.rdb.HGetAll(ctx, sessionKey(team, channel, sid)).Result()
	if err != nil {
		return poker.Session{}, translate(err)
	}
	if len(h) == 0 {
		return poker.Session{}, prio.Errorf(prio.NotFound, "That poker session is not in this channel.")
	}
	ps := poker.Session{
		ID: sid, Team: team, Channel: channel, Facilitator: h["facilitator"], FacName: h["facilitator_name"],
		Voters: splitList(h["voters"]), VoterNames: splitNames(h["voter_names"], h["voters"]), Deadline: millis(h["deadline"]),
		Created: millis(h["created"]), TS: h["ts"], State: h["state"], Framework: h["framework"], FrameworkDef: h["framework_def"],
	}
	ps.Quorum, _ = strconv.Atoi(h["quorum"])
	ps.NoRemind = h["remind"] == "off"
	for _, n := range splitList(h["ideas"]) {
		ps.Ideas = append(ps.Ideas, parseMember(n))
	}
	return ps, nil
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// splitNames keeps one name per voter, even when some names were blank.
func splitNames(names, voters string) []string {
	out := strings.Split(names, ",")
	if n := len(splitList(voters)); len(out) != n {
		return make([]string, n)
	}
	return out
}

// Card reads a card. Votes are filled only once the card is revealed:
// before that nobody, the facilitator included, may see them.
func (s *Store) Card(ctx context.Context, ps poker.Session, n int64) (poker.Card, error) {
	team, channel, sid := ps.Team, ps.Channel, ps.ID
	var (
		h        *redis.MapStringStringCmd
		progress *redis.MapStringStringCmd
		votes    *redis.MapStringStringCmd
	)
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		h = p.HGetAll(ctx, cardKey(team, channel, sid, n))
		progress = p.HGetAll(ctx, progressKey(team, channel, sid, n))
		votes = p.HGetAll(ctx, votesKey(team, channel, sid, n))
		return nil
	})
	if err != nil {
		return poker.Card{}, translate(err)
	}
	if len(h.Val()) == 0 {
		return poker.Card{}, prio.Errorf(prio.NotFound, "There is no card for #%d in that session.", n)
	}
	f := h.Val()
	card := poker.Card{Idea: n, State: f["state"], TS: f["ts"], Revealed: millis(f["revealed"]), RevealedBy: f["revealed_by"], RevealerName: f["revealed_by_name"]}
	card.Round, _ = strconv.Atoi(f["round"])
	card.Version, _ = strconv.ParseInt(f["version"], 10, 64)
	fw, err := ps.Scoring()
	if err != nil {
		return poker.Card{}, err
	}
	for voter, count := range progress.Val() {
		if k, _ := strconv.Atoi(count); k >= len(fw.Criteria) {
			card.Voted = append(card.Voted, voter)
		} else {
			card.Partial = append(card.Partial, voter)
		}
	}
	slices.Sort(card.Voted)
	slices.Sort(card.Partial)
	if card.State != poker.CardVoting && card.State != poker.CardClosed && (card.State != poker.CardLeft || !card.Revealed.IsZero()) {
		card.Votes = map[string]map[string]string{}
		for field, v := range votes.Val() {
			voter, crit, _ := strings.Cut(field, "|")
			if card.Votes[crit] == nil {
				card.Votes[crit] = map[string]string{}
			}
			card.Votes[crit][voter], _, _ = strings.Cut(v, "|")
		}
	}
	return card, nil
}

// errNotFacilitator refuses a poker decision to someone who neither runs
// the session nor owns the backlog; commands say which decision, and who may.
var errNotFacilitator = prio.Errorf(prio.Forbidden, "Only whoever runs this session or this backlog's owners can do that.")

// pokerRefusal turns a poker script's refusal into a domain error.
func pokerRefusal(res []any, n int64) error {
	code, _ := res[0].(string)
	switch code {
	case "ok":
		return nil
	case "missing":
		return prio.Errorf(prio.NotFound, "That poker card is not in this channel.")
	case "closed":
		return prio.Errorf(prio.Conflict, "Voting on #%d is closed.", n)
	case "stale":
		return prio.Errorf(prio.Conflict, "That button is from an earlier round of #%d; use the card's current buttons.", n)
	case "not_voter":
		return prio.Errorf(prio.Forbidden, "This session's voters were named when it started, and you aren't one of them.")
	case "forbidden":
		return errNotFacilitator
	}
	return fmt.Errorf("poker script answered %v", res)
}

// Reveal reveals card n for actor, who must be the facilitator or may manage the backlog.
func (s *Store) Reveal(ctx context.Context, team, channel string, sid, n int64, actor prio.Actor, now time.Time) error {
	res, err := revealCard.Run(ctx, s.rdb,
		with([]string{sessionKey(team, channel, sid), cardKey(team, channel, sid, n), ownersKey(team, channel), votesKey(team, channel, sid, n),
			namesKey(team, channel, sid), ideaKey(team, channel, n), supportersKey(team, channel, n)}, eventKeys(team, channel)),
		actor.ID, admin(actor), now.UnixMilli(), actor.Name, sid).Slice()
	if err != nil {
		return translate(err)
	}
	return pokerRefusal(res, n)
}

// Decide accepts, skips or re-votes card n ("accept", "skip", "revote") and
// returns the card's round after it.
func (s *Store) Decide(ctx context.Context, team, channel string, sid, n int64, round int, actor prio.Actor, action string) (int, error) {
	res, err := decideCard.Run(ctx, s.rdb,
		[]string{sessionKey(team, channel, sid), cardKey(team, channel, sid, n), votesKey(team, channel, sid, n),
			progressKey(team, channel, sid, n), ownersKey(team, channel), roundKey(team, channel, sid, n, round), inPlayKey(team, channel)},
		actor.ID, admin(actor), action, round, sid, n).Slice()
	if err != nil {
		return 0, translate(err)
	}
	if err := pokerRefusal(res, n); err != nil {
		return 0, err
	}
	r, _ := strconv.Atoi(res[1].(string))
	return r, nil
}

// EndSession ends a session: force for its facilitator or an owner, or on
// its own (force false) when every card is decided. ended reports whether
// this call ended it.
func (s *Store) EndSession(ctx context.Context, ps poker.Session, actor prio.Actor, force bool, now time.Time) (ended bool, err error) {
	keys := []string{sessionKey(ps.Team, ps.Channel, ps.ID), ownersKey(ps.Team, ps.Channel), inPlayKey(ps.Team, ps.Channel)}
	for _, n := range ps.Ideas {
		keys = append(keys, cardKey(ps.Team, ps.Channel, ps.ID, n))
	}
	keys = append(keys, outboxKeys(ps.Team, ps.Channel)...)
	mode := "auto"
	if force {
		mode = "force"
	}
	res, err := endSession.Run(ctx, s.rdb, keys, actor.ID, admin(actor), mode, now.UnixMilli(), ps.ID).Slice()
	if err != nil {
		return false, translate(err)
	}
	if res[0] == "open" || (!force && res[0] == "closed") {
		return false, nil
	}
	if err := pokerRefusal(res, 0); err != nil {
		if res[0] == "closed" {
			return false, prio.Errorf(prio.Conflict, "This session has ended already.")
		}
		return false, err
	}
	ref := ps.Channel + "|" + strconv.FormatInt(ps.ID, 10)
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.ZRem(ctx, openSessionsKey(ps.Team), ref)
		p.ZRem(ctx, deadlinesKey(ps.Team), ref)
		return nil
	})
	return true, translate(err)
}

func parseRef(team, ref string) poker.Ref {
	c, id, _ := strings.Cut(ref, "|")
	return poker.Ref{Team: team, Channel: c, ID: parseMember(id)}
}

// DueSessions lists sessions whose voting deadline has passed, in every team.
func (s *Store) DueSessions(ctx context.Context, now time.Time) ([]poker.Ref, error) {
	return s.dueRefs(ctx, deadlinesKey, now)
}

// dueRefs lists the sessions a team index (key) has due by now, in every team.
func (s *Store) dueRefs(ctx context.Context, key func(team string) string, now time.Time) ([]poker.Ref, error) {
	due, err := s.dueBy(ctx, key, now, 0)
	out := make([]poker.Ref, len(due))
	for i, d := range due {
		out[i] = parseRef(d.team, d.member)
	}
	return out, err
}

// RevealDue reveals the voting cards of a session past its deadline and
// returns their idea numbers; each card is revealed once across replicas.
func (s *Store) RevealDue(ctx context.Context, ps poker.Session, now time.Time) ([]int64, error) {
	t, c := ps.Team, ps.Channel
	keys := []string{sessionKey(t, c, ps.ID)}
	for _, n := range ps.Ideas {
		keys = append(keys, cardKey(t, c, ps.ID, n), votesKey(t, c, ps.ID, n), ideaKey(t, c, n), supportersKey(t, c, n))
	}
	keys = append(append(keys, namesKey(t, c, ps.ID)), eventKeys(t, c)...)
	res, err := revealDue.Run(ctx, s.rdb, keys, now.UnixMilli(), ps.ID).StringSlice()
	if err != nil {
		return nil, translate(err)
	}
	out := make([]int64, len(res))
	for i, r := range res {
		out[i] = parseMember(r)
	}
	// Its deadline is handled: the scheduler need not come back.
	err = s.rdb.ZRem(ctx, deadlinesKey(ps.Team), ps.Channel+"|"+strconv.FormatInt(ps.ID, 10)).Err()
	return out, translate(err)
}

// OpenSessions lists a team's open sessions, newest first.
func (s *Store) OpenSessions(ctx context.Context, team string, limit int64) ([]poker.Ref, error) {
	refs, err := s.rdb.ZRevRange(ctx, openSessionsKey(team), 0, limit-1).Result()
	if err != nil {
		return nil, translate(err)
	}
	out := make([]poker.Ref, len(refs))
	for i, r := range refs {
		out[i] = parseRef(team, r)
	}
	return out, nil
}

// ClaimRender takes the right to redraw card n for the next second; false
// when another goroutine or replica redrew it within the last second.
func (s *Store) ClaimRender(ctx context.Context, team, channel string, sid, n int64) (bool, error) {
	ok, err := s.rdb.SetNX(ctx, renderKey(team, channel, sid, n), 1, time.Second).Result()
	return ok, translate(err)
}

// restateRevealed marks a session's revealed cards changed (their
// version), as the place each predicts moved with the ranking.
//
// KEYS[1..] -> the cards (HASH)
// Output: the idea numbers of the revealed cards.
var restateRevealed = redis.NewScript(`
local out = {}
for _, k in ipairs(KEYS) do
	if redis.call("HGET", k, "state") == "revealed" then
		redis.call("HINCRBY", k, "version", 1)
		table.insert(out, redis.call("HGET", k, "idea"))
	end
end
return out
`)

// RestateRevealed marks the session's revealed cards other than n's
// changed, after the ranking moved, and returns their ideas to redraw.
func (s *Store) RestateRevealed(ctx context.Context, ps poker.Session, n int64) ([]int64, error) {
	var keys []string
	for _, i := range ps.Ideas {
		if i != n {
			keys = append(keys, cardKey(ps.Team, ps.Channel, ps.ID, i))
		}
	}
	if len(keys) == 0 {
		return nil, nil
	}
	raw, err := restateRevealed.Run(ctx, s.rdb, keys).StringSlice()
	if err != nil {
		return nil, translate(err)
	}
	out := make([]int64, 0, len(raw))
	for _, r := range raw {
		if v, err := strconv.ParseInt(r, 10, 64); err == nil {
			out = append(out, v)
		}
	}
	return out, nil
}

// WouldRank says where a score would sit in a backlog's ranking, as the
// ranking orders it (higher first, ties to the older idea): 1-based, out
// of how many (counting the idea itself once).
func (s *Store) WouldRank(ctx context.Context, team, channel string, n int64, score float64) (int64, int64, error) {
	var above, total *redis.IntCmd
	var tied *redis.StringSliceCmd
	var self *redis.FloatCmd
	at := strconv.FormatFloat(-score, 'f', -1, 64)
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		above = p.ZCount(ctx, rankedKey(team, channel), "-inf", "("+at)
		tied = p.ZRangeByScore(ctx, rankedKey(team, channel), &redis.ZRangeBy{Min: at, Max: at})
		total = p.ZCard(ctx, rankedKey(team, channel))
		self = p.ZScore(ctx, rankedKey(team, channel), member(n))
		return nil
	})
	if err != nil && err != redis.Nil {
		return 0, 0, translate(err)
	}
	place, of := above.Val()+1, total.Val()+1
	for _, m := range tied.Val() {
		if m < member(n) { // an older idea with the same score goes first
			place++
		}
	}
	if self.Err() == nil { // already ranked: it does not count twice
		of--
		if -self.Val() > score {
			place--
		}
	}
	return place, of, nil
}

// VoteScript is the Lua source of a vote, for tools that measure it raw
// (redis-benchmark) beside the bot.
func VoteScript() string { return castVoteSource }

// TellReady has the outbox tell a session's facilitator, once, when every
// card is revealed and some wait for a decision; it reports whether it did.
func (s *Store) TellReady(ctx context.Context, ps poker.Session, now time.Time) (bool, error) {
	keys := []string{sessionKey(ps.Team, ps.Channel, ps.ID)}
	ideas := make([]string, len(ps.Ideas))
	for i, n := range ps.Ideas {
		keys = append(keys, cardKey(ps.Team, ps.Channel, ps.ID, n))
		ideas[i] = strconv.FormatInt(n, 10)
	}
	told, err := tellReady.Run(ctx, s.rdb, with(keys, outboxKeys(ps.Team, ps.Channel)), now.UnixMilli(), ps.ID, strings.Join(ideas, ",")).Int()
	return told == 1, translate(err)
}
