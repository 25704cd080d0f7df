package commands

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/slack-go/slack"

	"github.com/priobot/priobot/prio"
	"github.com/priobot/priobot/tracker"
	"github.com/priobot/priobot/weekly"
)

// The settings form: a backlog's framework, owners, weekly summary and
// webhooks in one form (owners; `/backlog settings` or the Home's
// Settings). Each change runs the command it stands for, so the checks and
// answers are the command's; several changes are several answers.

// settingsMeta is what the settings form remembers: who opened it, for
// which backlog.
type settingsMeta struct {
	Team    string `json:"t"`
	User    string `json:"u"`
	Channel string `json:"c"`
}

var weekdays = []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

// settingsCmd serves `/backlog settings`: the form, for the backlog's owners.
func (a *App) settingsCmd(ctx context.Context, r Request) (*Reply, error) {
	return nil, a.openSettings(ctx, r)
}

// openSettings opens the settings form of r.Channel's backlog.
func (a *App) openSettings(ctx context.Context, r Request) error {
	if err := a.mayManage(ctx, r, "change its settings"); err != nil {
		return err
	}
	fw, err := a.settings.Framework(ctx, r.Team, r.Channel)
	if err != nil {
		return err
	}
	owners, err := a.settings.Owners(ctx, r.Team, r.Channel)
	if err != nil {
		return err
	}
	stored, _, err := a.summaries.Schedule(ctx, r.Team, r.Channel)
	if err != nil {
		return err
	}
	hooks, _, err := a.webhooks.Webhooks(ctx, r.Team, r.Channel)
	if err != nil {
		return err
	}
	own, err := a.settings.WorkspaceFrameworks(ctx, r.Team)
	if err != nil {
		return err
	}
	all := slices.Clone(prio.Frameworks)
	for _, f := range own {
		all = append(all, f.Framework)
	}
	var frameworks []*slack.OptionBlockObject
	var chosen *slack.OptionBlockObject
	for _, f := range all {
		o := plainOption(f.Name, f.Title+": "+f.Formula)
		frameworks = append(frameworks, o)
		if f.Name == fw.Name {
			chosen = o
		}
	}
	pickFw := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, nil, "value", frameworks...)
	pickFw.InitialOption = chosen
	defineFw := slack.NewPlainTextInputBlockElement(slack.NewTextBlockObject(slack.PlainTextType,
		"growth: reach (1 2 3 5 8 13) benefit ×2, effort (1 2 3 5 8) cost", false, false), "value")
	people := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeUser, nil, "value")
	people.InitialUsers = owners
	days := []*slack.OptionBlockObject{plainOption("off", "No weekly summary")}
	for _, d := range weekdays {
		days = append(days, plainOption(d, strings.ToUpper(d[:1])+d[1:]))
	}
	day := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, nil, "value", days...)
	day.InitialOption = days[0]
	at := slack.NewPlainTextInputBlockElement(slack.NewTextBlockObject(slack.PlainTextType, "09:00", false, false), "value")
	zone := slack.NewPlainTextInputBlockElement(slack.NewTextBlockObject(slack.PlainTextType, "Europe/Berlin", false, false), "value")
	if s, err := weekly.FromString(stored); stored != "" && err == nil {
		day.InitialOption = days[int(s.Weekday+6)%7+1]
		at.InitialValue, zone.InitialValue = fmt.Sprintf("%02d:%02d", s.Hour, s.Minute), s.Zone
	} else if u, err := a.slack.User(ctx, r.User); err == nil {
		zone.InitialValue = u.TZ
	}
	blocks := []slack.Block{
		section("Settings of %s's backlog. Each change is made as its command would make it, with its answer.", channelRef(r.Channel)),
		input(inputFramework, "Scoring framework", pickFw, false, "Switching re-ranks the backlog by the values ideas already have."),
		input(inputDefine, "Or define the workspace's own", defineFw, true,
			"name: criterion (values) benefit|cost [×weight], … for every backlog; a name the workspace has changes that framework. This backlog then scores with it."),
		input(inputOwners, "Owners", people, true, "They (and workspace admins) manage the backlog; with none, anyone in the channel may."),
		input(inputDay, "Weekly summary", day, false, ""),
		input(inputTime, "At", at, true, "HH:MM, 24-hour"),
		input(inputZone, "In the time zone", zone, true, "Area/City, like Europe/Berlin"),
	}
	addHook := slack.NewPlainTextInputBlockElement(slack.NewTextBlockObject(slack.PlainTextType, "https://hooks.example.com/priobot", false, false), "value")
	hookLines := "This backlog sends no webhooks."
	var urls []*slack.OptionBlockObject
	if len(hooks) > 0 {
		var lines []string
		for _, h := range hooks {
			lines = append(lines, "• "+esc(h.URL))
			urls = append(urls, plainOption(h.ID, prio.Shorten(h.URL, 75)))
		}
		hookLines = "*Webhooks*\n" + strings.Join(lines, "\n")
	}
	blocks = append(blocks, section("%s", hookLines), input(inputHookAdd, "Add a webhook", addHook, true, "Its signing secret is shown to you once."))
	if len(urls) > 0 {
		blocks = append(blocks,
			input(inputHookRemove, "Remove", slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeStatic, nil, "value", urls...), true, ""),
			input(inputHookTest, "Send a test ping to", slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeStatic, nil, "value", urls...), true, ""))
	}
	if a.tracker != nil {
		repo := slack.NewPlainTextInputBlockElement(slack.NewTextBlockObject(slack.PlainTextType, "owner/repo", false, false), "value")
		label := slack.NewPlainTextInputBlockElement(slack.NewTextBlockObject(slack.PlainTextType, tracker.DefaultLabel, false, false), "value")
		hint := "Its issues with the label become ideas here, and both move together. Empty: not connected."
		if c, ok, err := a.github.GitHubConnection(ctx, r.Team, r.Channel); err == nil && ok && c.State != tracker.Off {
			repo.InitialValue, label.InitialValue = c.Repo.Name, c.Label
			if c.State == tracker.Paused {
				hint = "Paused: " + prio.Shorten(c.Why, 120) + ". Save resumes it."
			}
		}
		blocks = append(blocks, input(inputRepo, "GitHub repository", repo, true, hint), input(inputRepoLabel, "Its label", label, true, ""))
	}
	meta, _ := json.Marshal(settingsMeta{Team: r.Team, User: r.User, Channel: r.Channel})
	return a.slack.OpenModal(ctx, r.TriggerID, slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: viewSettings, PrivateMetadata: string(meta),
		Title:  slack.NewTextBlockObject(slack.PlainTextType, "Backlog settings", false, false),
		Submit: slack.NewTextBlockObject(slack.PlainTextType, "Save", false, false),
		Close:  slack.NewTextBlockObject(slack.PlainTextType, "Cancel", false, false),
		Blocks: slack.Blocks{BlockSet: blocks},
	})
}

// settingsChange is one change the form asks for: the command that makes
// it, and the input a refusal shows on.
type settingsChange struct {
	handle Handler
	text   string
	block  string
}

// submitSettings makes the changes the form asks for, each with its
// command, owners last (so that naming others does not lock the person
// out of their other changes). What can be checked before anything
// changes is; a refusal shows on its input.
func (a *App) submitSettings(ctx context.Context, r Request) (*Reply, error) {
	var meta settingsMeta
	if err := json.Unmarshal([]byte(r.PrivateMetadata), &meta); err != nil || meta.Team != r.Team || meta.User != r.User || !channelID.MatchString(meta.Channel) {
		return &Reply{ViewErrors: map[string]string{inputFramework: "This form was not opened by you here. Open it again with `/backlog settings`."}}, nil
	}
	r.Channel = meta.Channel
	changes, problems, err := a.settingsChanges(ctx, r)
	if err != nil || problems != nil {
		return &Reply{ViewErrors: problems}, err
	}
	if len(changes) == 0 {
		return nil, a.slack.PostEphemeral(ctx, r.Channel, r.User, Message{Text: "Nothing changed: the settings are as they were."})
	}
	for _, c := range changes {
		r.Text = c.text
		if reply, err := a.viaForm(ctx, r, c.handle, c.block); err != nil || reply != nil {
			return reply, err
		}
	}
	return nil, nil
}

// githubChange is the change the form asks of the backlog's GitHub sync:
// connect (or resume), disconnect, or none.
func (a *App) githubChange(ctx context.Context, r Request) ([]settingsChange, error) {
	repo, label := strings.TrimSpace(r.Values[inputRepo]), strings.TrimSpace(r.Values[inputRepoLabel])
	c, ok, err := a.github.GitHubConnection(ctx, r.Team, r.Channel)
	if err != nil {
		return nil, err
	}
	connected := ok && c.State != tracker.Off
	if repo == "" {
		if connected {
			return []settingsChange{{a.githubCmd, "disconnect", inputRepo}}, nil
		}
		return nil, nil
	}
	text := "connect " + repo
	if label != "" {
		text += " label " + label
	}
	if _, _, err := parseConnect(strings.TrimPrefix(text, "connect ")); err != nil {
		return nil, err
	}
	if connected && c.State == tracker.On && strings.EqualFold(c.Repo.Name, repo) && (label == "" || label == c.Label) {
		return nil, nil
	}
	return []settingsChange{{a.githubCmd, text, inputRepo}}, nil
}

// settingsChanges compares the form with the backlog's settings and
// lists the changes, or the problems found before any change.
func (a *App) settingsChanges(ctx context.Context, r Request) ([]settingsChange, map[string]string, error) {
	var out []settingsChange
	fw, err := a.settings.Framework(ctx, r.Team, r.Channel)
	if err != nil {
		return nil, nil, err
	}
	switch define := strings.TrimSpace(r.Values[inputDefine]); {
	case define != "":
		def, err := prio.ParseFramework(define)
		if err != nil {
			return nil, map[string]string{inputDefine: prio.ErrorMessage(err)}, nil
		}
		verb := "new "
		if own, err := a.settings.WorkspaceFrameworks(ctx, r.Team); err != nil {
			return nil, nil, err
		} else if slices.ContainsFunc(own, func(f prio.WorkspaceFramework) bool { return f.Name == def.Name }) {
			verb = "edit "
		}
		out = append(out, settingsChange{a.framework, verb + define, inputDefine})
		if def.Name != fw.Name {
			out = append(out, settingsChange{a.framework, def.Name, inputDefine})
		}
	case r.Values[inputFramework] != "" && r.Values[inputFramework] != fw.Name:
		out = append(out, settingsChange{a.framework, r.Values[inputFramework], inputFramework})
	}
	stored, _, err := a.summaries.Schedule(ctx, r.Team, r.Channel)
	if err != nil {
		return nil, nil, err
	}
	switch day := r.Values[inputDay]; {
	case day == "off" && stored != "":
		out = append(out, settingsChange{a.schedule, "off", inputDay})
	case slices.Contains(weekdays, day):
		text := strings.TrimSpace(day + " " + r.Values[inputTime] + " " + r.Values[inputZone])
		s, err := weekly.Parse(text, "UTC") // the command reads a zone left out as the person's
		if err != nil {
			return nil, map[string]string{inputTime: prio.ErrorMessage(err)}, nil
		}
		if s.String() != stored {
			out = append(out, settingsChange{a.schedule, text, inputTime})
		}
	}
	hooks, _, err := a.webhooks.Webhooks(ctx, r.Team, r.Channel)
	if err != nil {
		return nil, nil, err
	}
	picked := func(block, verb string) {
		for _, h := range hooks {
			if slices.Contains(strings.Split(r.Values[block], ","), h.ID) {
				out = append(out, settingsChange{a.webhookCmd, verb + " " + h.URL, block})
			}
		}
	}
	picked(inputHookRemove, "remove")
	if u := strings.TrimSpace(r.Values[inputHookAdd]); u != "" {
		if _, err := prio.ParseHTTPS(u, "a webhook's address", "`https://hooks.example.com/priobot`"); err != nil {
			return nil, map[string]string{inputHookAdd: prio.ErrorMessage(err)}, nil
		}
		out = append(out, settingsChange{a.webhookCmd, "add " + u, inputHookAdd})
	}
	picked(inputHookTest, "test")
	if a.tracker != nil {
		gh, err := a.githubChange(ctx, r)
		if err != nil {
			return nil, map[string]string{inputRepo: prio.ErrorMessage(err)}, nil
		}
		out = append(out, gh...)
	}
	owners, err := a.settings.Owners(ctx, r.Team, r.Channel)
	if err != nil {
		return nil, nil, err
	}
	var want, add, remove []string
	for _, u := range strings.Split(r.Values[inputOwners], ",") {
		if userID.MatchString(u) {
			want = append(want, u)
		}
	}
	for _, u := range want {
		if !slices.Contains(owners, u) {
			add = append(add, "<@"+u+">")
		}
	}
	for _, u := range owners {
		if !slices.Contains(want, u) {
			remove = append(remove, "<@"+u+">")
		}
	}
	if len(add) > 0 {
		out = append(out, settingsChange{a.owners, "add " + strings.Join(add, " "), inputOwners})
	}
	if len(remove) > 0 {
		out = append(out, settingsChange{a.owners, "remove " + strings.Join(remove, " "), inputOwners})
	}
	return out, nil, nil
}
