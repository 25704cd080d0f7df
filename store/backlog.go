package store

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/priobot/priobot/prio"
)

// A backlog's settings: its framework, owners and privacy.

// Framework returns the scoring framework of a backlog.
func (s *Store) Framework(ctx context.Context, team, channel string) (prio.Framework, error) {
	f, err := s.rdb.HMGet(ctx, metaKey(team, channel), "framework", "framework_def").Result()
	if err != nil {
		return prio.Framework{}, translate(err)
	}
	name, _ := f[0].(string)
	def, _ := f[1].(string)
	return prio.FrameworkFor(name, def)
}

// SetFramework switches a backlog to framework fw and re-ranks every idea by
// its stored values under it; ideas lacking a value go back to the queue.
func (s *Store) SetFramework(ctx context.Context, team, channel string, fw prio.Framework, actor prio.Actor) error {
	for range maxTries {
		rev, err := s.rdb.HGet(ctx, metaKey(team, channel), fRev).Result()
		if err == redis.Nil {
			rev = "0"
		} else if err != nil {
			return translate(err)
		}
		titles, err := s.Titles(ctx, team, channel)
		if err != nil {
			return err
		}
		numbers := make([]int64, 0, len(titles))
		for n := range titles {
			numbers = append(numbers, n)
		}
		ideas, err := s.Ideas(ctx, team, channel, numbers)
		if err != nil {
			return err
		}
		keys := []string{metaKey(team, channel), rankedKey(team, channel), awaitingKey(team, channel), ownersKey(team, channel), countsKey(team, channel),
			unscoredKey(team, channel)}
		def := ""
		if fw.IsCustom() {
			def = fw.Definition()
		}
		args := []any{actor.ID, admin(actor), fw.Name, rev, def}
		for _, idea := range ideas {
			kept := keptByName(fw, idea.Values)
			values := maps.Clone(idea.Values)
			var fields []string
			for id, v := range kept {
				values[id] = v
				fields = append(fields, valuePrefix+id+"="+strconv.FormatFloat(v, 'f', -1, 64))
			}
			score := ""
			if v, ok := fw.Score(values); ok {
				score = strconv.FormatFloat(v, 'f', -1, 64)
			}
			keys = append(keys, ideaKey(team, channel, idea.Number))
			args = append(args, member(idea.Number), idea.Number, score, strings.Join(fields, ";"))
		}
		res, err := setFramework.Run(ctx, s.rdb, keys, args...).Slice()
		if err != nil {
			return translate(err)
		}
		if err := refusal(res, 0, ""); err != errStale {
			if err == nil {
				err = s.noteFrameworkUse(ctx, team, channel, fw, fmt.Sprint(res[1]))
			}
			return err
		}
	}
	return errStale
}

// keptByName is what an idea's values under other frameworks give fw's
// criteria that have none of their own: a value is kept by criterion name
// (value-effort's value is a custom framework's value), the lowest id first.
func keptByName(fw prio.Framework, values map[string]float64) map[string]float64 {
	kept := map[string]float64{}
	for _, c := range fw.Criteria {
		if _, ok := values[c.ID]; ok {
			continue
		}
		ids := slices.Sorted(maps.Keys(values))
		for _, id := range ids {
			if strings.HasSuffix(id, ":"+c.Key) {
				kept[c.ID] = values[id]
				break
			}
		}
	}
	return kept
}

// noteFrameworkUse keeps the workspace frameworks' users in step with a
// backlog's switch from was to fw: written apart (the team's slot), so a
// framework in use is not deleted.
func (s *Store) noteFrameworkUse(ctx context.Context, team, channel string, fw prio.Framework, was string) error {
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		if was != "" && was != fw.Name {
			p.SRem(ctx, frameworkUsersKey(team, was), channel)
		}
		if fw.IsCustom() {
			p.SAdd(ctx, frameworkUsersKey(team, fw.Name), channel)
		}
		return nil
	})
	return translate(err)
}

// Owners lists a backlog's owners; none means anyone may manage it.
func (s *Store) Owners(ctx context.Context, team, channel string) ([]string, error) {
	owners, err := s.rdb.SMembers(ctx, ownersKey(team, channel)).Result()
	return owners, translate(err)
}

// tellUnowned notes that a person is told a backlog has no owners, once.
//
// KEYS[1] -> owners, KEYS[2] -> who was told (SET)
// ARGV[1] -> the person
// Output: 1 when the backlog has no owners and the person was not told yet.
var tellUnowned = redis.NewScript(`
if redis.call("SCARD", KEYS[1]) > 0 then return 0 end
return redis.call("SADD", KEYS[2], ARGV[1])
`)

// TellUnowned reports whether user should now be told that anyone may
// manage this backlog (it has no owners; they were not told before).
func (s *Store) TellUnowned(ctx context.Context, team, channel, user string) (bool, error) {
	n, err := tellUnowned.Run(ctx, s.rdb, []string{ownersKey(team, channel), unownedToldKey(team, channel)}, user).Int()
	return n == 1, translate(err)
}

// ChangeOwners adds ("add") or removes ("remove") owners and returns the
// owners after the change.
func (s *Store) ChangeOwners(ctx context.Context, team, channel string, actor prio.Actor, op string, users []string) ([]string, error) {
	args := []any{actor.ID, admin(actor), op}
	for _, u := range users {
		args = append(args, u)
	}
	res, err := changeOwners.Run(ctx, s.rdb, []string{ownersKey(team, channel)}, args...).Slice()
	if err != nil {
		return nil, translate(err)
	}
	if err := refusal(res, 0, ""); err != nil {
		return nil, err
	}
	owners := make([]string, 0, len(res)-1)
	for _, u := range res[1:] {
		owners = append(owners, u.(string))
	}
	// The team's list of backlogs lives in its slot: written apart, so an
	// owner's Home finds the backlog.
	return owners, translate(s.rdb.SAdd(ctx, backlogsKey(team), channel).Err())
}

// ChannelPrivacy returns whether a channel is private, if recorded.
func (s *Store) ChannelPrivacy(ctx context.Context, team, channel string) (private, known bool, err error) {
	v, err := s.rdb.HGet(ctx, metaKey(team, channel), "private").Result()
	if err == redis.Nil {
		return false, false, nil
	}
	return v == "1", err == nil, translate(err)
}

// SetChannelPrivacy records whether a channel is private.
func (s *Store) SetChannelPrivacy(ctx context.Context, team, channel string, private bool) error {
	v := "0"
	if private {
		v = "1"
	}
	return translate(s.rdb.HSet(ctx, metaKey(team, channel), "private", v).Err())
}
