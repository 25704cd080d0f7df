package poker

import (
	"slices"
	"strconv"
	"strings"

	"github.com/priobot/priobot/prio"
)

// ParseStart reads `/poker #3 #5 [with @a @b] [for 24h] [quorum 3]
// [remind off]` or `/poker next 5 …`: the ideas first, then the options in
// any order.
func ParseStart(text string) (Start, error) {
	var s Start
	words, err := s.parseIdeas(strings.Fields(text))
	if err != nil {
		return s, err
	}
	for len(words) > 0 {
		option, ok := startOptions[strings.ToLower(words[0])]
		if !ok {
			return s, prio.Errorf(prio.Invalid, "I don't understand %s. Start a session like `/poker #3 #5 with @ann @bob for 24h quorum 2`.", prio.Quote(words[0]))
		}
		used, err := option(&s, words[1:])
		if err != nil {
			return s, err
		}
		words = words[1+used:]
	}
	if s.Quorum > 0 && len(s.Voters) > 0 && s.Quorum > len(s.Voters) {
		return s, prio.Errorf(prio.Invalid, "A quorum of %d can't be reached by %d voters.", s.Quorum, len(s.Voters))
	}
	return s, nil
}

// parseIdeas reads `next 5` or the idea numbers that start the command and
// returns the words after them.
func (s *Start) parseIdeas(words []string) ([]string, error) {
	if len(words) > 0 && strings.EqualFold(words[0], "next") {
		if len(words) < 2 {
			return nil, prio.Errorf(prio.Invalid, "Say how many, like `/poker next 5`.")
		}
		n, err := strconv.Atoi(words[1])
		if err != nil || n < 1 || n > MaxIdeas {
			return nil, prio.Errorf(prio.Invalid, "`/poker next` takes a number from 1 to %d.", MaxIdeas)
		}
		s.Next, words = n, words[2:]
	}
	for ; len(words) > 0 && prio.IsRef(words[0]); words = words[1:] {
		if s.Next > 0 {
			return nil, prio.Errorf(prio.Invalid, "Use either `next 5` or idea numbers, not both.")
		}
		n, err := prio.ParseRef(words[0])
		if err != nil {
			return nil, err
		}
		if !slices.Contains(s.Ideas, n) {
			s.Ideas = append(s.Ideas, n)
		}
	}
	if s.Next == 0 && len(s.Ideas) == 0 {
		return nil, prio.Errorf(prio.Invalid, "Name the ideas to score, like `/poker #3 #5 #8`, or `/poker next 5`.")
	}
	if len(s.Ideas) > MaxIdeas {
		return nil, prio.Errorf(prio.Invalid, "A session takes up to %d ideas; you named %d.", MaxIdeas, len(s.Ideas))
	}
	return words, nil
}

// startOptions read the words after an option's name into the Start and
// say how many they used.
var startOptions = map[string]func(s *Start, words []string) (int, error){
	"with":   (*Start).parseVoters,
	"for":    (*Start).parseDeadline,
	"remind": (*Start).parseRemind,
	"quorum": (*Start).parseQuorum,
}

// parseVoters reads `with @a @b`: the people mentioned.
func (s *Start) parseVoters(words []string) (int, error) {
	used := 0
	for ; used < len(words) && strings.HasPrefix(words[used], "<@"); used++ {
		id, name, ok := prio.ParseUserRef(words[used])
		if !ok {
			return 0, prio.Errorf(prio.Invalid, "%s is not a person; mention voters like `with @ann @bob`.", prio.Quote(words[used]))
		}
		if !slices.Contains(s.Voters, id) {
			s.Voters, s.Names = append(s.Voters, id), append(s.Names, name)
		}
	}
	if len(s.Voters) == 0 {
		return 0, prio.Errorf(prio.Invalid, "Mention the voters after `with`, like `with @ann @bob`.")
	}
	if len(s.Voters) > MaxVoters {
		return 0, prio.Errorf(prio.Invalid, "A session takes up to %d named voters.", MaxVoters)
	}
	return used, nil
}

// parseDeadline reads `for 24h`.
func (s *Start) parseDeadline(words []string) (int, error) {
	if len(words) == 0 {
		return 0, prio.Errorf(prio.Invalid, "Say how long voting stays open, like `for 24h` (5m to 7d).")
	}
	d, err := ParseDuration(words[0])
	if err != nil {
		return 0, err
	}
	s.Deadline = d
	return 1, nil
}

// parseRemind reads `remind off` (or on).
func (s *Start) parseRemind(words []string) (int, error) {
	if len(words) == 0 || !slices.Contains([]string{"on", "off"}, strings.ToLower(words[0])) {
		return 0, prio.Errorf(prio.Invalid, "Say `remind off` to start a session without the automatic reminder before its deadline.")
	}
	s.NoRemind = strings.EqualFold(words[0], "off")
	return 1, nil
}

// parseQuorum reads `quorum 3`.
func (s *Start) parseQuorum(words []string) (int, error) {
	if len(words) == 0 {
		return 0, prio.Errorf(prio.Invalid, "Say how many votes reveal the cards, like `quorum 3`.")
	}
	q, err := strconv.Atoi(words[0])
	if err != nil || q < 1 || q > MaxVoters {
		return 0, prio.Errorf(prio.Invalid, "`quorum` takes a number from 1 to %d.", MaxVoters)
	}
	s.Quorum = q
	return 1, nil
}
