package store

import (
	"context"
	"time"

	"github.com/priobot/priobot/poker"
	"github.com/priobot/priobot/prio"
)

// Vote records voter's vote on a criterion of card n, in one round trip.
// It returns the voter's own votes on each of criteria ("" where none
// yet), why the vote revealed the card ("all", "quorum"), if it did, and
// whether the voter looks at their App Home (which lists their owed votes).
func (s *Store) Vote(ctx context.Context, ps poker.Session, n int64, round int, voter prio.Actor, criterion, vote, actionTS, responseURL string, criteria []string, now time.Time) (v poker.Voted, err error) {
	t, c, sid := ps.Team, ps.Channel, ps.ID
	args := []any{voter.ID, criterion, vote, round, len(criteria), now.UnixMilli(), voter.Name, actionTS, now.Add(-homeMemory).UnixMilli(),
		responseURL, poker.ReceiptTurn.Milliseconds(), sid}
	for _, k := range criteria {
		args = append(args, k)
	}
	res, err := castVote.Run(ctx, s.rdb,
		with([]string{sessionKey(t, c, sid), cardKey(t, c, sid, n), votesKey(t, c, sid, n), progressKey(t, c, sid, n), namesKey(t, c, sid),
			backlogHomesKey(t, c), receiptsKey(t, c, sid, n), ideaKey(t, c, n), supportersKey(t, c, n)}, eventKeys(t, c)),
		args...).Slice()
	if err != nil {
		return v, translate(err)
	}
	if err := pokerRefusal(res, n); err != nil {
		return v, err
	}
	v.Revealed, v.HomeViewer = res[2].(string), res[3].(int64) == 1
	v.Receipt, v.Turn = res[4].(int64), res[5].(int64) == 1
	for _, m := range res[6:] {
		v.Mine = append(v.Mine, m.(string))
	}
	return v, nil
}

// ReceiptSent ends voter's turn to send receipts on card n after receipt
// number sent, or hands it the next: their newest vote, cast while it sent,
// with its response_url, the card's state and their votes by criterion.
func (s *Store) ReceiptSent(ctx context.Context, ps poker.Session, n int64, voter string, sent int64, criteria []string, now time.Time) (next poker.Receipt, more bool, err error) {
	t, c, sid := ps.Team, ps.Channel, ps.ID
	args := []any{voter, sent, now.UnixMilli(), poker.ReceiptTurn.Milliseconds()}
	for _, k := range criteria {
		args = append(args, k)
	}
	res, err := s.turns.run(ctx, s.rdb, []string{receiptsKey(t, c, sid, n), cardKey(t, c, sid, n), votesKey(t, c, sid, n)}, args...).Slice()
	if err != nil || res[0] == "done" {
		return next, false, translate(err)
	}
	next.Number, next.URL = res[1].(int64), res[2].(string)
	next.Card = poker.Card{Idea: n, State: res[3].(string), RevealedBy: res[4].(string), RevealerName: res[5].(string)}
	for _, m := range res[6:] {
		next.Mine = append(next.Mine, m.(string))
	}
	return next, true, nil
}

// VoterNames returns how a session's voters are called, by user id.
func (s *Store) VoterNames(ctx context.Context, team, channel string, sid int64) (map[string]string, error) {
	names, err := s.rdb.HGetAll(ctx, namesKey(team, channel, sid)).Result()
	return names, translate(err)
}
