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

// Priority-poker keys. A session lives in its channel's backlog slot, with
// the ideas it scores; the team-wide indexes are written apart.

// teamsKey (SET of team ids) lists teams with scheduled work, for the scheduler.
func teamsKey() string { return "priobot:teams" }

func pokerSeqKey(team, channel string) string { return backlogTag(team, channel) + "poker:seq" }

// sessionKey (HASH) holds a session; see Session fields.
func sessionKey(team, channel string, sid int64) string {
	return backlogTag(team, channel) + "poker:" + strconv.FormatInt(sid, 10)
}

// cardKey (HASH: idea, state, round, ts, complete, version, revealed) is one voting card.
func cardKey(team, channel string, sid, n int64) string {
	return sessionKey(team, channel, sid) + ":card:" + strconv.FormatInt(n, 10)
}

// votesKey (HASH "voter|criterion" -> "vote|action_ts") holds a card's
// current round; the click's action_ts orders a person's clicks.
func votesKey(team, channel string, sid, n int64) string {
	return cardKey(team, channel, sid, n) + ":votes"
}

// progressKey (HASH voter -> criteria voted) counts each voter's votes on a card.
func progressKey(team, channel string, sid, n int64) string {
	return cardKey(team, channel, sid, n) + ":progress"
}

// roundKey (HASH, like votesKey) keeps the votes of an earlier round.
func roundKey(team, channel string, sid, n int64, round int) string {
	return cardKey(team, channel, sid, n) + ":round:" + strconv.Itoa(round)
}

// namesKey (HASH user -> name) remembers how a session's voters are called.
func namesKey(team, channel string, sid int64) string {
	return sessionKey(team, channel, sid) + ":names"
}

// renderKey (STRING, expires) is held by whoever redrew a card in the last second.
func renderKey(team, channel string, sid, n int64) string {
	return cardKey(team, channel, sid, n) + ":render"
}

// deadlinesKey (ZSET "channel|sid" scored by deadline, unix ms) is the
// team's sessions that reveal at a deadline.
func deadlinesKey(team string) string { return teamTag(team) + "poker:deadlines" }

// openSessionsKey (ZSET "channel|sid" scored by creation) lists a team's open sessions.
func openSessionsKey(team string) string { return teamTag(team) + "poker:open" }

// castVote records one vote, and reveals the card when every expected voter
// has voted on every criterion or the quorum is reached, in one step.
//
// KEYS[1] -> session, KEYS[2] -> card, KEYS[3] -> votes, KEYS[4] -> progress,
// KEYS[5] -> names
// ARGV[1] -> voter, ARGV[2] -> criterion key, ARGV[3] -> vote, ARGV[4] -> round,
// ARGV[5] -> criteria count, ARGV[6] -> now (unix ms), ARGV[7] -> voter's name,
// ARGV[8] -> the click's action_ts, ARGV[9..] -> every criterion key
// Output: {"ok", voters complete, "" or why it revealed ("all"|"quorum"),
// the voter's own votes by criterion ("" for none)…} or a refusal:
// "missing", "closed", "stale" (an older round's button), "not_voter".
var castVote = redis.NewScript(castVoteSource)

const castVoteSource = `
local st = redis.call("HGET", KEYS[1], "state")
if not st then return {"missing"} end
local cs = redis.call("HGET", KEYS[2], "state")
if not cs then return {"missing"} end
if st ~= "open" or cs ~= "voting" then return {"closed"} end
local deadline = tonumber(redis.call("HGET", KEYS[1], "deadline") or "0")
if deadline > 0 and tonumber(ARGV[6]) >= deadline then return {"closed"} end
if redis.call("HGET", KEYS[2], "round") ~= ARGV[4] then return {"stale"} end
local voters = redis.call("HGET", KEYS[1], "voters")
if voters ~= "" and not string.find("," .. voters .. ",", "," .. ARGV[1] .. ",", 1, true) then return {"not_voter"} end
redis.call("HSET", KEYS[5], ARGV[1], ARGV[7])
local field = ARGV[1] .. "|" .. ARGV[2]
local old = redis.call("HGET", KEYS[3], field)
-- Clicks can be handled out of order: the one Slack stamped last wins.
-- Slack's action_ts strings have fixed width, so they compare as text.
if not old or string.sub(old, string.find(old, "|", 1, true) + 1) <= ARGV[8] then
	redis.call("HSET", KEYS[3], field, ARGV[3] .. "|" .. ARGV[8])
end
if not old then
	if redis.call("HINCRBY", KEYS[4], ARGV[1], 1) == tonumber(ARGV[5]) then
		redis.call("HINCRBY", KEYS[2], "complete", 1)
	end
end
redis.call("HINCRBY", KEYS[2], "version", 1)
local complete = tonumber(redis.call("HGET", KEYS[2], "complete") or "0")
local why = ""
local expected = 0
if voters ~= "" then
	for _ in string.gmatch(voters, "[^,]+") do expected = expected + 1 end
end
local quorum = tonumber(redis.call("HGET", KEYS[1], "quorum") or "0")
if expected > 0 and complete >= expected then
	why = "all"
elseif quorum > 0 and complete >= quorum then
	why = "quorum"
end
if why ~= "" then
	redis.call("HSET", KEYS[2], "state", "revealed", "revealed", ARGV[6], "revealed_by", why)
end
local out = {"ok", complete, why}
for i = 9, #ARGV do
	local v = redis.call("HGET", KEYS[3], ARGV[1] .. "|" .. ARGV[i]) or ""
	table.insert(out, (string.gsub(v, "|.*", "")))
end
return out
`

// revealCard reveals a voting card for its facilitator, a backlog owner or
// a workspace admin (with no owners set, not for anyone: the facilitator runs it).
//
// KEYS[1] -> session, KEYS[2] -> card, KEYS[3] -> owners
// ARGV[1] -> actor, ARGV[2] -> "1" if a workspace admin, ARGV[3] -> now (unix ms)
// Output: {"ok"} or "missing", "forbidden", "closed".
var revealCard = redis.NewScript(prelude + `
if not redis.call("HGET", KEYS[2], "state") then return {"missing"} end
if redis.call("HGET", KEYS[1], "facilitator") ~= ARGV[1] and not owner(KEYS[3], ARGV[1], ARGV[2]) then return {"forbidden"} end
if redis.call("HGET", KEYS[2], "state") ~= "voting" then return {"closed"} end
redis.call("HSET", KEYS[2], "state", "revealed", "revealed", ARGV[3], "revealed_by", ARGV[1])
redis.call("HINCRBY", KEYS[2], "version", 1)
return {"ok"}
`)

// revealDue reveals every voting card of a session whose deadline has
// passed, once, however many replicas try.
//
// KEYS[1] -> session, KEYS[2..] -> its cards
// ARGV[1] -> now (unix ms)
// Output: the idea numbers of the cards it revealed.
var revealDue = redis.NewScript(`
local deadline = tonumber(redis.call("HGET", KEYS[1], "deadline") or "0")
if deadline == 0 or tonumber(ARGV[1]) < deadline or redis.call("HGET", KEYS[1], "state") ~= "open" then return {} end
local out = {}
for i = 2, #KEYS do
	if redis.call("HGET", KEYS[i], "state") == "voting" then
		redis.call("HSET", KEYS[i], "state", "revealed", "revealed", ARGV[1], "revealed_by", "deadline")
		redis.call("HINCRBY", KEYS[i], "version", 1)
		table.insert(out, redis.call("HGET", KEYS[i], "idea"))
	end
end
return out
`)

// decideCard accepts, skips or re-votes a card for its facilitator or an owner.
//
// KEYS[1] -> session, KEYS[2] -> card, KEYS[3] -> votes, KEYS[4] -> progress,
// KEYS[5] -> owners, KEYS[6] -> the archive of the current round
// ARGV[1] -> actor, ARGV[2] -> "1" if a workspace admin, ARGV[3] -> "accept"
// | "skip" | "revote", ARGV[4] -> the round the button was for
// Output: {"ok", round} or "missing", "forbidden", "closed", "stale".
var decideCard = redis.NewScript(prelude + `
local cs = redis.call("HGET", KEYS[2], "state")
if not cs then return {"missing"} end
if redis.call("HGET", KEYS[1], "facilitator") ~= ARGV[1] and not owner(KEYS[5], ARGV[1], ARGV[2]) then return {"forbidden"} end
if redis.call("HGET", KEYS[1], "state") ~= "open" then return {"closed"} end
local round = redis.call("HGET", KEYS[2], "round")
if round ~= ARGV[4] then return {"stale"} end
if ARGV[3] == "accept" then
	if cs ~= "revealed" then return {"closed"} end
	redis.call("HSET", KEYS[2], "state", "accepted")
elseif ARGV[3] == "skip" then
	if cs ~= "voting" and cs ~= "revealed" then return {"closed"} end
	redis.call("HSET", KEYS[2], "state", "skipped")
else
	if cs ~= "revealed" then return {"closed"} end
	if redis.call("EXISTS", KEYS[3]) == 1 then redis.call("RENAME", KEYS[3], KEYS[6]) end
	redis.call("DEL", KEYS[4])
	round = tostring(tonumber(round) + 1)
	redis.call("HSET", KEYS[2], "state", "voting", "round", round, "complete", 0, "revealed", "", "revealed_by", "")
end
redis.call("HINCRBY", KEYS[2], "version", 1)
return {"ok", round}
`)

// endSession ends an open session: by its facilitator or an owner (force),
// or on its own once every card is accepted or skipped. Voting cards are skipped.
//
// KEYS[1] -> session, KEYS[2] -> owners, KEYS[3..] -> its cards
// ARGV[1] -> actor, ARGV[2] -> "1" if a workspace admin, ARGV[3] -> "force"
// or "auto", ARGV[4] -> now (unix ms)
// Output: {"ok"}, {"open"} (auto, and cards are undecided), or "missing",
// "forbidden", "closed".
var endSession = redis.NewScript(prelude + `
local st = redis.call("HGET", KEYS[1], "state")
if not st then return {"missing"} end
if ARGV[3] == "force" and redis.call("HGET", KEYS[1], "facilitator") ~= ARGV[1] and not owner(KEYS[2], ARGV[1], ARGV[2]) then return {"forbidden"} end
if st ~= "open" then return {"closed"} end
if ARGV[3] == "auto" then
	for i = 3, #KEYS do
		local cs = redis.call("HGET", KEYS[i], "state")
		if cs == "voting" or cs == "revealed" then return {"open"} end
	end
end
for i = 3, #KEYS do
	if redis.call("HGET", KEYS[i], "state") == "voting" then
		redis.call("HSET", KEYS[i], "state", "skipped")
		redis.call("HINCRBY", KEYS[i], "version", 1)
	end
end
redis.call("HSET", KEYS[1], "state", "ended", "ended", ARGV[4])
return {"ok"}
`)

// StartSession stores a new session with a card per idea and returns its id.
func (s *Store) StartSession(ctx context.Context, ps poker.Session) (int64, error) {
	t, c := ps.Team, ps.Channel
	sid, err := s.rdb.Incr(ctx, pokerSeqKey(t, c)).Result()
	if err != nil {
		return 0, translate(err)
	}
	ideas := make([]string, len(ps.Ideas))
	for i, n := range ps.Ideas {
		ideas[i] = strconv.FormatInt(n, 10)
	}
	deadline := int64(0)
	if !ps.Deadline.IsZero() {
		deadline = ps.Deadline.UnixMilli()
	}
	ref := c + "|" + strconv.FormatInt(sid, 10)
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, sessionKey(t, c, sid), "id", sid, "facilitator", ps.Facilitator, "facilitator_name", ps.FacName,
			"voters", strings.Join(ps.Voters, ","), "voter_names", strings.Join(ps.VoterNames, ","), "deadline", deadline,
			"quorum", ps.Quorum, "created", ps.Created.UnixMilli(), "ideas", strings.Join(ideas, ","), "state", poker.SessionOpen,
			"framework", ps.Framework, "ts", "")
		for _, n := range ps.Ideas {
			p.HSet(ctx, cardKey(t, c, sid, n), "idea", n, "state", poker.CardVoting, "round", 1, "complete", 0, "version", 0, "ts", "")
		}
		return nil
	})
	if err != nil {
		return 0, translate(err)
	}
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.SAdd(ctx, teamsKey(), t)
		p.ZAdd(ctx, openSessionsKey(t), redis.Z{Score: float64(ps.Created.UnixMilli()), Member: ref})
		if deadline > 0 {
			p.ZAdd(ctx, deadlinesKey(t), redis.Z{Score: float64(deadline), Member: ref})
		}
		return nil
	})
	return sid, translate(err)
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
		Created: millis(h["created"]), TS: h["ts"], State: h["state"], Framework: h["framework"],
	}
	ps.Quorum, _ = strconv.Atoi(h["quorum"])
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
	card := poker.Card{Idea: n, State: f["state"], TS: f["ts"], Revealed: millis(f["revealed"])}
	card.Round, _ = strconv.Atoi(f["round"])
	card.Version, _ = strconv.ParseInt(f["version"], 10, 64)
	fw, err := prio.LookupFramework(ps.Framework)
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
	if card.State != poker.CardVoting {
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
		return prio.Errorf(prio.Forbidden, "Only the facilitator or this backlog's owners can do that.")
	}
	return fmt.Errorf("poker script answered %v", res)
}

// Vote records voter's vote on a criterion of card n, in one round trip.
// It returns the voter's own votes on each of criteria ("" where none yet)
// and why the vote revealed the card ("all", "quorum"), if it did.
func (s *Store) Vote(ctx context.Context, ps poker.Session, n int64, round int, voter prio.Actor, criterion, vote, actionTS string, criteria []string, now time.Time) (mine []string, revealed string, err error) {
	t, c, sid := ps.Team, ps.Channel, ps.ID
	args := []any{voter.ID, criterion, vote, round, len(criteria), now.UnixMilli(), voter.Name, actionTS}
	for _, k := range criteria {
		args = append(args, k)
	}
	res, err := castVote.Run(ctx, s.rdb,
		[]string{sessionKey(t, c, sid), cardKey(t, c, sid, n), votesKey(t, c, sid, n), progressKey(t, c, sid, n), namesKey(t, c, sid)},
		args...).Slice()
	if err != nil {
		return nil, "", translate(err)
	}
	if err := pokerRefusal(res, n); err != nil {
		return nil, "", err
	}
	for _, v := range res[3:] {
		mine = append(mine, v.(string))
	}
	return mine, res[2].(string), nil
}

// VoterNames returns how a session's voters are called, by user id.
func (s *Store) VoterNames(ctx context.Context, team, channel string, sid int64) (map[string]string, error) {
	names, err := s.rdb.HGetAll(ctx, namesKey(team, channel, sid)).Result()
	return names, translate(err)
}

// Reveal reveals card n for actor, who must be the facilitator or may manage the backlog.
func (s *Store) Reveal(ctx context.Context, team, channel string, sid, n int64, actor prio.Actor, now time.Time) error {
	res, err := revealCard.Run(ctx, s.rdb,
		[]string{sessionKey(team, channel, sid), cardKey(team, channel, sid, n), ownersKey(team, channel)},
		actor.ID, admin(actor), now.UnixMilli()).Slice()
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
			progressKey(team, channel, sid, n), ownersKey(team, channel), roundKey(team, channel, sid, n, round)},
		actor.ID, admin(actor), action, round).Slice()
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
	keys := []string{sessionKey(ps.Team, ps.Channel, ps.ID), ownersKey(ps.Team, ps.Channel)}
	for _, n := range ps.Ideas {
		keys = append(keys, cardKey(ps.Team, ps.Channel, ps.ID, n))
	}
	mode := "auto"
	if force {
		mode = "force"
	}
	res, err := endSession.Run(ctx, s.rdb, keys, actor.ID, admin(actor), mode, now.UnixMilli()).Slice()
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
	teams, err := s.rdb.SMembers(ctx, teamsKey()).Result()
	if err != nil {
		return nil, translate(err)
	}
	var out []poker.Ref
	for _, t := range teams {
		refs, err := s.rdb.ZRangeByScore(ctx, deadlinesKey(t), &redis.ZRangeBy{Min: "-inf", Max: strconv.FormatInt(now.UnixMilli(), 10)}).Result()
		if err != nil {
			return nil, translate(err)
		}
		for _, r := range refs {
			out = append(out, parseRef(t, r))
		}
	}
	return out, nil
}

// RevealDue reveals the voting cards of a session past its deadline and
// returns their idea numbers; each card is revealed once across replicas.
func (s *Store) RevealDue(ctx context.Context, ps poker.Session, now time.Time) ([]int64, error) {
	keys := []string{sessionKey(ps.Team, ps.Channel, ps.ID)}
	for _, n := range ps.Ideas {
		keys = append(keys, cardKey(ps.Team, ps.Channel, ps.ID, n))
	}
	res, err := revealDue.Run(ctx, s.rdb, keys, now.UnixMilli()).StringSlice()
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

// WouldRank says where a score would sit in a backlog's ranking: 1-based,
// out of how many (counting the idea itself once).
func (s *Store) WouldRank(ctx context.Context, team, channel string, n int64, score float64) (int64, int64, error) {
	var above, total *redis.IntCmd
	var self *redis.FloatCmd
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		above = p.ZCount(ctx, rankedKey(team, channel), "-inf", "("+strconv.FormatFloat(-score, 'f', -1, 64))
		total = p.ZCard(ctx, rankedKey(team, channel))
		self = p.ZScore(ctx, rankedKey(team, channel), member(n))
		return nil
	})
	if err != nil && err != redis.Nil {
		return 0, 0, translate(err)
	}
	place, of := above.Val()+1, total.Val()+1
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
