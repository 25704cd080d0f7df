package store

import "github.com/redis/go-redis/v9"

// castVote records one vote, and reveals the card when every expected voter
// has voted on every criterion or the quorum is reached, in one step.
//
// The voter's receipt waits its turn: when one of their receipts for the
// card is being sent (see receiptSent), this vote's response_url is left
// for that sender, who sends the newest state next; otherwise this vote
// takes the turn and its handler sends.
//
// KEYS[1] -> session, KEYS[2] -> card, KEYS[3] -> votes, KEYS[4] -> progress,
// KEYS[5] -> names, KEYS[6] -> the backlog's Home viewers, KEYS[7] -> receipts,
// KEYS[8] -> the idea, KEYS[9] -> its supporters, KEYS[10..19] -> the
// backlog's event keys: a reveal sends poker.revealed to its webhooks
// ARGV[1] -> voter, ARGV[2] -> criterion key, ARGV[3] -> vote, ARGV[4] -> round,
// ARGV[5] -> criteria count, ARGV[6] -> now (unix ms), ARGV[7] -> voter's name,
// ARGV[8] -> the click's action_ts, ARGV[9] -> Home viewers since (unix ms),
// ARGV[10] -> the click's response_url, ARGV[11] -> how long a turn lasts
// (ms), ARGV[12] -> the session id, ARGV[13..] -> every criterion key
// Output: {"ok", voters complete, "" or why it revealed ("all"|"quorum"),
// 1 if the voter looks at their Home lately else 0, the vote's receipt
// number, 1 if this vote has the turn to send its receipt else 0, the
// voter's own votes by criterion ("" for none)…} or a refusal: "missing",
// "closed", "stale" (an older round's button), "not_voter".
var castVote = redis.NewScript(castVoteSource)

// revealedLua announces a card just revealed: poker.revealed, with its
// votes, goes to the backlog's webhooks (see announce). Votes never leave
// before this. The vote script defines these functions only when a vote
// reveals the card: the others need not pay for them.
const revealedLua = eventsLua + `
local function hmap(key)
	local h, m = redis.call("HGETALL", key), {}
	for i = 1, #h, 2 do m[h[i]] = h[i + 1] end
	return m
end
-- revealed: e, the event keys; session, card, votes, names, idea and
-- supporters, its keys; sid, the session's id; by, what revealed it.
local function revealed(e, session, card, votes, names, idea, sup, sid, by, actorID, actor, now)
	if redis.call("HLEN", KEYS[e]) == 0 then return end
	local n = tonumber(redis.call("HGET", card, "idea"))
	announce(e, {event = "poker.revealed", idea = n, actor_id = actorID, actor = actor, at = now,
		poker = {session = sid, framework = redis.call("HGET", session, "framework") or "", framework_def = redis.call("HGET", session, "framework_def") or nil, round = tonumber(redis.call("HGET", card, "round") or "1"),
			revealed_by = by, votes = hmap(votes), names = hmap(names)}}, idea, sup, string.format("%012d", n), now)
end
`

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
	` + revealedLua + `
	revealed(10, KEYS[1], KEYS[2], KEYS[3], KEYS[5], KEYS[8], KEYS[9], tonumber(ARGV[12]), why, nil, nil, tonumber(ARGV[6]))
end
local seen = tonumber(redis.call("ZSCORE", KEYS[6], ARGV[1]) or "0")
local home = 0
if seen >= tonumber(ARGV[9]) then home = 1 end
local seq = redis.call("HINCRBY", KEYS[7], ARGV[1] .. ":seq", 1)
local turn = 0
if tonumber(redis.call("HGET", KEYS[7], ARGV[1] .. ":turn") or "0") < tonumber(ARGV[6]) then
	redis.call("HSET", KEYS[7], ARGV[1] .. ":turn", tonumber(ARGV[6]) + tonumber(ARGV[11]))
	turn = 1
else
	redis.call("HSET", KEYS[7], ARGV[1] .. ":url", ARGV[10])
end
local out = {"ok", complete, why, home, seq, turn}
for i = 13, #ARGV do
	local v = redis.call("HGET", KEYS[3], ARGV[1] .. "|" .. ARGV[i]) or ""
	table.insert(out, (string.gsub(v, "|.*", "")))
end
return out
`

// revealCard reveals a voting card for its facilitator, a backlog owner or
// a workspace admin (with no owners set, not for anyone: the facilitator runs it).
//
// KEYS[1] -> session, KEYS[2] -> card, KEYS[3] -> owners, KEYS[4] -> votes,
// KEYS[5] -> names, KEYS[6] -> the idea, KEYS[7] -> its supporters,
// KEYS[8..17] -> the backlog's event keys (poker.revealed)
// ARGV[1] -> actor, ARGV[2] -> "1" if a workspace admin, ARGV[3] -> now
// (unix ms), ARGV[4] -> actor's name, ARGV[5] -> the session id
// Output: {"ok"} or "missing", "forbidden", "closed".
var revealCard = redis.NewScript(prelude + revealedLua + `
if not redis.call("HGET", KEYS[2], "state") then return {"missing"} end
if redis.call("HGET", KEYS[1], "facilitator") ~= ARGV[1] and not owner(KEYS[3], ARGV[1], ARGV[2]) then return {"forbidden"} end
if redis.call("HGET", KEYS[2], "state") ~= "voting" then return {"closed"} end
redis.call("HSET", KEYS[2], "state", "revealed", "revealed", ARGV[3], "revealed_by", ARGV[1], "revealed_by_name", ARGV[4])
redis.call("HINCRBY", KEYS[2], "version", 1)
revealed(8, KEYS[1], KEYS[2], KEYS[4], KEYS[5], KEYS[6], KEYS[7], tonumber(ARGV[5]), ARGV[1], ARGV[1], ARGV[4], tonumber(ARGV[3]))
return {"ok"}
`)

// revealDue reveals every voting card of a session whose deadline has
// passed, once, however many replicas try.
//
// KEYS[1] -> session, KEYS[2..] -> per card: the card, its votes, its idea
// and the idea's supporters; then the session's names and the backlog's
// event keys (poker.revealed, ten)
// ARGV[1] -> now (unix ms), ARGV[2] -> the session id
// Output: the idea numbers of the cards it revealed.
var revealDue = redis.NewScript(revealedLua + `
local deadline = tonumber(redis.call("HGET", KEYS[1], "deadline") or "0")
if deadline == 0 or tonumber(ARGV[1]) < deadline or redis.call("HGET", KEYS[1], "state") ~= "open" then return {} end
local out = {}
local e = #KEYS - 9
for i = 2, e - 2, 4 do
	if redis.call("HGET", KEYS[i], "state") == "voting" then
		redis.call("HSET", KEYS[i], "state", "revealed", "revealed", ARGV[1], "revealed_by", "deadline")
		redis.call("HINCRBY", KEYS[i], "version", 1)
		table.insert(out, redis.call("HGET", KEYS[i], "idea"))
		revealed(e, KEYS[1], KEYS[i], KEYS[i + 1], KEYS[e - 1], KEYS[i + 2], KEYS[i + 3], tonumber(ARGV[2]), "deadline", nil, nil, tonumber(ARGV[1]))
	end
end
return out
`)

// decideCard accepts, skips or re-votes a card for its facilitator or an owner.
//
// KEYS[1] -> session, KEYS[2] -> card, KEYS[3] -> votes, KEYS[4] -> progress,
// KEYS[5] -> owners, KEYS[6] -> the archive of the current round,
// KEYS[7] -> the backlog's ideas in play
// ARGV[1] -> actor, ARGV[2] -> "1" if a workspace admin, ARGV[3] -> "accept"
// | "skip" | "revote", ARGV[4] -> the round the button was for,
// ARGV[5] -> session id, ARGV[6] -> idea number
// Output: {"ok", round} or "missing", "forbidden", "closed", "stale". An
// accepted or skipped idea is out of play: another session may take it.
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
	redis.call("HSET", KEYS[2], "state", "voting", "round", round, "complete", 0, "revealed", "", "revealed_by", "", "revealed_by_name", "")
end
if ARGV[3] ~= "revote" and redis.call("HGET", KEYS[7], ARGV[6]) == ARGV[5] then
	redis.call("HDEL", KEYS[7], ARGV[6])
end
redis.call("HINCRBY", KEYS[2], "version", 1)
return {"ok", round}
`)

// endSession ends an open session: by its facilitator or an owner (force),
// or on its own once every card is accepted or skipped. A card still
// voting is closed without reveal (its votes stay hidden); one revealed but
// undecided is left unscored. Its ideas are out of play.
//
// KEYS[1] -> session, KEYS[2] -> owners, KEYS[3] -> the backlog's ideas in
// play, KEYS[4..] -> its cards, then the outbox (seq, items, due, order,
// age): a session ending on its own tells its facilitator, unless they
// made the last decision
// ARGV[1] -> actor, ARGV[2] -> "1" if a workspace admin, ARGV[3] -> "force"
// or "auto", ARGV[4] -> now (unix ms), ARGV[5] -> session id
// Output: {"ok"}, {"open"} (auto, and cards are undecided), or "missing",
// "forbidden", "closed".
var endSession = redis.NewScript(prelude + `
local st = redis.call("HGET", KEYS[1], "state")
if not st then return {"missing"} end
if ARGV[3] == "force" and redis.call("HGET", KEYS[1], "facilitator") ~= ARGV[1] and not owner(KEYS[2], ARGV[1], ARGV[2]) then return {"forbidden"} end
if st ~= "open" then return {"closed"} end
if ARGV[3] == "auto" then
	for i = 4, #KEYS - 5 do
		local cs = redis.call("HGET", KEYS[i], "state")
		if cs == "voting" or cs == "revealed" then return {"open"} end
	end
end
local ends = {voting = "closed", revealed = "unscored"}
for i = 4, #KEYS - 5 do
	local to = ends[redis.call("HGET", KEYS[i], "state")]
	if to then
		redis.call("HSET", KEYS[i], "state", to)
		redis.call("HINCRBY", KEYS[i], "version", 1)
	end
	local idea = redis.call("HGET", KEYS[i], "idea")
	if idea and redis.call("HGET", KEYS[3], idea) == ARGV[5] then redis.call("HDEL", KEYS[3], idea) end
end
redis.call("HSET", KEYS[1], "state", "ended", "ended", ARGV[4])
local facilitator = redis.call("HGET", KEYS[1], "facilitator")
if ARGV[3] == "auto" and facilitator ~= ARGV[1] then
	enqueue(#KEYS - 4, facilitator, {kind = "ended", session = tonumber(ARGV[5]), at = tonumber(ARGV[4]), actor = ""}, tonumber(ARGV[4]))
end
return {"ok"}
`)

// startSession stores a new session with a card for each of its ideas that
// no open card holds yet, and puts those ideas in play, so two starts
// racing for one idea give it one card.
//
// KEYS[1] -> session, KEYS[2] -> the backlog's ideas in play, KEYS[3..] ->
// a card per idea, in ARGV order, then the outbox (seq, items, due, order, age):
// each named voter but the facilitator is invited
// ARGV[1] -> session id, ARGV[2] -> how many ideas, ARGV[3..] -> the idea
// numbers, then the session's field, value pairs (without "ideas")
// Output: {"ok" or "none" (every idea was in play, nothing stored), the
// ideas started…, "|", idea, session id of its open card…}.
var startSession = redis.NewScript(prelude + `
local n = tonumber(ARGV[2])
local free, taken = {}, {}
for i = 1, n do
	local idea = ARGV[2 + i]
	local holder = redis.call("HGET", KEYS[2], idea)
	if holder then
		table.insert(taken, idea)
		table.insert(taken, holder)
	else
		table.insert(free, i)
	end
end
local out = {"none"}
if #free > 0 then
	out[1] = "ok"
	local ideas = {}
	for _, i in ipairs(free) do
		local idea = ARGV[2 + i]
		table.insert(ideas, idea)
		table.insert(out, idea)
		redis.call("HSET", KEYS[2], idea, ARGV[1])
		redis.call("HSET", KEYS[2 + i], "idea", idea, "state", "voting", "round", 1, "complete", 0, "version", 0, "ts", "")
	end
	redis.call("HSET", KEYS[1], "ideas", table.concat(ideas, ","), unpack(ARGV, 3 + n))
	local voters, numbers = {}, {}
	for v in string.gmatch(redis.call("HGET", KEYS[1], "voters") or "", "[^,]+") do table.insert(voters, v) end
	for _, x in ipairs(ideas) do table.insert(numbers, tonumber(x)) end
	local created = tonumber(redis.call("HGET", KEYS[1], "created"))
	tell(3 + n, voters, redis.call("HGET", KEYS[1], "facilitator"), {kind = "invite", session = tonumber(ARGV[1]),
		ideas = numbers, actor = redis.call("HGET", KEYS[1], "facilitator_name"), at = created}, created)
end
table.insert(out, "|")
for _, v in ipairs(taken) do table.insert(out, v) end
return out
`)

// receiptSent ends a voter's turn to send receipts for a card, or, when
// they voted again meanwhile, keeps it for their newest vote's receipt.
//
// KEYS[1] -> receipts, KEYS[2] -> card, KEYS[3] -> votes
// ARGV[1] -> voter, ARGV[2] -> the receipt number just sent, ARGV[3] -> now
// (unix ms), ARGV[4] -> how long a turn lasts (ms), ARGV[5..] -> every
// criterion key
// Output: {"done"}, or {"next", receipt number, its response_url, the card's
// state, what revealed it, who, the voter's own votes by criterion…}: send
// that one now.
var receiptSent = redis.NewScript(`
local seq = tonumber(redis.call("HGET", KEYS[1], ARGV[1] .. ":seq") or "0")
local url = redis.call("HGET", KEYS[1], ARGV[1] .. ":url")
if seq <= tonumber(ARGV[2]) or not url then
	redis.call("HDEL", KEYS[1], ARGV[1] .. ":turn", ARGV[1] .. ":url")
	return {"done"}
end
redis.call("HSET", KEYS[1], ARGV[1] .. ":turn", tonumber(ARGV[3]) + tonumber(ARGV[4]))
redis.call("HDEL", KEYS[1], ARGV[1] .. ":url")
local card = redis.call("HMGET", KEYS[2], "state", "revealed_by", "revealed_by_name")
local out = {"next", seq, url, card[1] or "", card[2] or "", card[3] or ""}
for i = 5, #ARGV do
	local v = redis.call("HGET", KEYS[3], ARGV[1] .. "|" .. ARGV[i]) or ""
	table.insert(out, (string.gsub(v, "|.*", "")))
end
return out
`)

// leaveCard closes the open card of an idea that left play (declined,
// merged, shipped) and takes the idea out of play.
//
// KEYS[1] -> session, KEYS[2] -> card, KEYS[3] -> the backlog's ideas in play
// ARGV[1] -> session id, ARGV[2] -> idea number
// Output: 1 if it closed the card, else 0 (decided already, or the session ended).
var leaveCard = redis.NewScript(`
local cs = redis.call("HGET", KEYS[2], "state")
if redis.call("HGET", KEYS[1], "state") ~= "open" or (cs ~= "voting" and cs ~= "revealed") then return 0 end
redis.call("HSET", KEYS[2], "state", "left")
redis.call("HINCRBY", KEYS[2], "version", 1)
if redis.call("HGET", KEYS[3], ARGV[2]) == ARGV[1] then redis.call("HDEL", KEYS[3], ARGV[2]) end
return 1
`)

// tellReady tells a session's facilitator, once, that every card is
// revealed and some wait for a decision (after the last reveal, whatever
// revealed it: a vote, a button, the deadline).
//
// KEYS[1] -> session, KEYS[2..] -> its cards, then the outbox (seq, items,
// due, order, age)
// ARGV[1] -> now (unix ms), ARGV[2] -> session id, ARGV[3] -> the cards'
// idea numbers, "1,2,3", in KEYS order
// Output: 1 if the facilitator is told now, else 0.
var tellReady = redis.NewScript(eventsLua + `
if redis.call("HGET", KEYS[1], "state") ~= "open" or redis.call("HGET", KEYS[1], "ready_told") then return 0 end
local waiting, ideas, i = {}, {}, 0
for n in string.gmatch(ARGV[3], "[^,]+") do table.insert(ideas, tonumber(n)) end
for k = 2, #KEYS - 5 do
	local cs = redis.call("HGET", KEYS[k], "state")
	if cs == "voting" then return 0 end
	if cs == "revealed" then table.insert(waiting, ideas[k - 1]) end
end
if #waiting == 0 then return 0 end
redis.call("HSET", KEYS[1], "ready_told", ARGV[1])
local deadline = tonumber(redis.call("HGET", KEYS[1], "deadline") or "0")
local why = ""
if deadline > 0 and tonumber(ARGV[1]) >= deadline then why = "deadline" end
enqueue(#KEYS - 4, redis.call("HGET", KEYS[1], "facilitator"), {kind = "ready", session = tonumber(ARGV[2]), ideas = waiting,
	reason = why, at = tonumber(ARGV[1]), actor = ""}, tonumber(ARGV[1]))
return 1
`)
