package store

import "strconv"

// Every Redis key priobot uses is built here. Keys are namespaced by Slack
// team and carry a Redis Cluster hash tag in braces: {team} for team-wide
// keys, {team:channel} for one backlog, so every script touches one slot.

func teamTag(team string) string             { return "priobot:{" + team + "}:" }
func backlogTag(team, channel string) string { return "priobot:{" + team + ":" + channel + "}:" }

// ideaSeqKey (STRING counter) hands out the team's idea numbers.
func ideaSeqKey(team string) string { return teamTag(team) + "idea:seq" }

// ideaIndexKey (HASH number -> channel) finds an idea's backlog by number.
func ideaIndexKey(team string) string { return teamTag(team) + "idea:channel" }

// eventKey (STRING, expires) marks an Events API event_id as handled.
func eventKey(team, eventID string) string { return teamTag(team) + "event:" + eventID }

// ideaKey (HASH) holds one idea's fields; see ideaFields.
func ideaKey(team, channel string, number int64) string {
	return backlogTag(team, channel) + "idea:" + strconv.FormatInt(number, 10)
}

// awaitingKey (ZSET number scored by number) lists a backlog's ideas awaiting
// scoring, oldest first.
func awaitingKey(team, channel string) string { return backlogTag(team, channel) + "awaiting" }
