package prio

import (
	"regexp"
	"strconv"
	"strings"
)

// MaxReason limits a decline reason, in characters.
const MaxReason = 500

// ParseRef reads an idea reference: "#12" or "12".
func ParseRef(s string) (int64, error) {
	s = strings.TrimSpace(s)
	digits := strings.TrimPrefix(s, "#")
	if digits == "" {
		return 0, Errorf(Invalid, "Name an idea by its number, like `#12`.")
	}
	for _, r := range digits {
		if r < '0' || r > '9' {
			return 0, Errorf(Invalid, "%s is not an idea number; use the number from its card, like `#12`.", Quote(s))
		}
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || n > 1<<40 {
		return 0, Errorf(Invalid, "%s is far larger than any idea number.", Quote(s))
	}
	if n == 0 {
		return 0, Errorf(Invalid, "Ideas are numbered from #1; there is no #0.")
	}
	return n, nil
}

// IsRef reports whether a word looks like an idea reference (#12, 12, #x).
func IsRef(word string) bool {
	return strings.HasPrefix(word, "#") || (word != "" && word[0] >= '0' && word[0] <= '9') || strings.HasPrefix(word, "-")
}

// ParseStatus reads `<#n> <status>` for `/backlog status`.
func ParseStatus(args string) (int64, Status, error) {
	ref, rest := SplitWord(args)
	n, err := ParseRef(ref)
	if err != nil {
		return 0, "", err
	}
	for _, s := range Settable {
		if rest == string(s) || strings.EqualFold(strings.ReplaceAll(rest, " ", "-"), string(s)) {
			return n, s, nil
		}
	}
	return 0, "", Errorf(Invalid, "Set a status of planned, in-progress or shipped, like `/backlog status #%d planned`. To decline use `/backlog decline`, to merge `/backlog merge`.", n)
}

// ParseDecline reads `<#n> <reason>`; a reason is required.
func ParseDecline(args string) (int64, string, error) {
	ref, reason := SplitWord(args)
	n, err := ParseRef(ref)
	if err != nil {
		return 0, "", err
	}
	reason = clean(reason)
	switch l := len([]rune(reason)); {
	case l == 0:
		return 0, "", Errorf(Invalid, "Say why, so its author and supporters know: `/backlog decline #%d <reason>`.", n)
	case l > MaxReason:
		return 0, "", Errorf(Invalid, "Keep the reason to %d characters (it has %d).", MaxReason, l)
	}
	return n, reason, nil
}

// ParseMerge reads `<#n> into <#m>`.
func ParseMerge(args string) (from, into int64, err error) {
	fields := strings.Fields(args)
	if len(fields) != 3 || !strings.EqualFold(fields[1], "into") {
		return 0, 0, Errorf(Invalid, "Merge like this: `/backlog merge #12 into #7`.")
	}
	if from, err = ParseRef(fields[0]); err != nil {
		return 0, 0, err
	}
	if into, err = ParseRef(fields[2]); err != nil {
		return 0, 0, err
	}
	if from == into {
		return 0, 0, Errorf(Invalid, "An idea cannot be merged into itself.")
	}
	return from, into, nil
}

// ParseScore reads `<#n> key=value …` against a framework's criteria.
func ParseScore(args string, f Framework) (int64, map[string]float64, error) {
	ref, rest := SplitWord(args)
	n, err := ParseRef(ref)
	if err != nil {
		return 0, nil, err
	}
	usage := "Score like this: `/backlog score #" + strconv.FormatInt(n, 10)
	for _, c := range f.Criteria {
		usage += " " + c.Key + "=" + c.Label(c.Scale[len(c.Scale)/2])
	}
	usage += "`."
	if rest == "" {
		return 0, nil, Errorf(Invalid, "%s", usage)
	}
	values := map[string]float64{}
	for _, pair := range strings.Fields(rest) {
		key, val, ok := strings.Cut(pair, "=")
		if !ok {
			return 0, nil, Errorf(Invalid, "%s", usage)
		}
		c := f.Criterion(strings.ToLower(key))
		if c.ID == "" {
			return 0, nil, unknownCriterion(f, key)
		}
		v, err := c.Parse(val)
		if err != nil {
			return 0, nil, err
		}
		values[c.ID] = v
	}
	return n, values, nil
}

// userRef matches a user as Slack escapes it in command text: <@U123> or <@U123|name>.
var userRef = regexp.MustCompile(`^<@([UW][A-Z0-9]{1,30})(\|[^>]*)?>$`)

// ParseUserRef reads one user mention as Slack escapes it: <@U123> or
// <@U123|name>. name is "" when Slack sent none.
func ParseUserRef(word string) (id, name string, ok bool) {
	m := userRef.FindStringSubmatch(word)
	if m == nil {
		return "", "", false
	}
	return m[1], strings.TrimPrefix(m[2], "|"), true
}

// ParseOwners reads `add|remove @a @b …`; with no words it is a listing.
func ParseOwners(args string) (op string, users []string, err error) {
	op, rest := SplitWord(args)
	switch op {
	case "":
		return "", nil, nil
	case "add", "remove":
	default:
		return "", nil, Errorf(Invalid, "Use `/backlog owners`, `/backlog owners add @a @b` or `/backlog owners remove @a`.")
	}
	for _, w := range strings.Fields(rest) {
		id, _, ok := ParseUserRef(w)
		if !ok {
			return "", nil, Errorf(Invalid, "%s is not a person; mention them like `@ann`.", Quote(w))
		}
		users = append(users, id)
	}
	if len(users) == 0 {
		return "", nil, Errorf(Invalid, "Name who to %s, like `/backlog owners %s @ann`.", op, op)
	}
	return op, users, nil
}

// ParseSearch reads search words: at least one, at most 10, lower-cased.
func ParseSearch(args string) ([]string, error) {
	words := strings.Fields(strings.ToLower(args))
	if len(words) == 0 {
		return nil, Errorf(Invalid, "Search for some words, like `/backlog search dark mode`.")
	}
	if len(words) > 10 {
		words = words[:10]
	}
	return words, nil
}
