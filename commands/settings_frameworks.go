package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/priobot/priobot/prio"
)

// A workspace's own frameworks: `/backlog framework new|edit|delete`,
// listed beside the built-in ones and used like them.

// frameworkNamed finds a framework by name: a built-in, or the workspace's.
func (a *App) frameworkNamed(ctx context.Context, team, name string) (prio.Framework, error) {
	name = strings.ToLower(strings.TrimSpace(name))
	if fw, err := prio.LookupFramework(name); err == nil {
		return fw, nil
	}
	own, err := a.settings.WorkspaceFrameworks(ctx, team)
	if err != nil {
		return prio.Framework{}, err
	}
	names := make([]string, 0, len(prio.Frameworks)+len(own))
	for _, f := range prio.Frameworks {
		names = append(names, f.Name)
	}
	for _, f := range own {
		if f.Name == name {
			return f.Framework, nil
		}
		names = append(names, f.Name)
	}
	return prio.Framework{}, prio.Errorf(prio.Invalid, "There is no framework %s. Pick one of: %s; or define one with `/backlog framework new`.",
		prio.Quote(name), strings.Join(names, ", "))
}

// listFrameworks serves `/backlog framework`: the built-in frameworks and
// the workspace's, each with its criteria, and which this backlog uses.
func (a *App) listFrameworks(ctx context.Context, r Request, current prio.Framework) (*Reply, error) {
	own, err := a.settings.WorkspaceFrameworks(ctx, r.Team)
	if err != nil {
		return nil, err
	}
	line := func(f prio.Framework) string {
		mark := ""
		if f.Name == current.Name {
			mark = " ← this backlog"
		}
		return fmt.Sprintf("`%s` %s: score = %s; criteria %s%s", f.Name, f.Title, f.Formula, criteriaText(f), mark)
	}
	lines := []string{fmt.Sprintf("This backlog scores with *%s*. Switch with `/backlog framework &lt;name&gt;`:", current.Name)}
	for _, f := range prio.Frameworks {
		lines = append(lines, line(f))
	}
	if len(own) == 0 {
		lines = append(lines, "This workspace has no frameworks of its own: `/backlog framework new growth: reach (1 2 3 5 8 13) benefit ×2, effort (1 2 3 5 8) cost` defines one.")
	} else {
		lines = append(lines, "*This workspace's own*")
		for _, f := range own {
			lines = append(lines, line(f.Framework)+fmt.Sprintf(" (by %s)", esc(f.By)))
		}
	}
	text := strings.Join(lines, "\n")
	return ephemeral(plainText(text), section("%s", prio.Shorten(text, 2900))), nil
}

// defineFramework serves `/backlog framework new|edit <definition>`: the
// workspace's framework, defined, or redefined and every backlog using it
// re-ranked by the values its ideas have.
func (a *App) defineFramework(ctx context.Context, r Request, text string, edit bool) (*Reply, error) {
	fw, err := prio.ParseFramework(text)
	if err != nil {
		return nil, err
	}
	if err := a.mayManage(ctx, r, "define the workspace's frameworks"); err != nil {
		return nil, err
	}
	var read int64
	if edit {
		old, err := a.frameworkNamed(ctx, r.Team, fw.Name)
		if err != nil {
			return nil, err
		}
		own, err := a.settings.WorkspaceFrameworks(ctx, r.Team)
		if err != nil {
			return nil, err
		}
		for _, f := range own {
			if f.Name == old.Name {
				read = f.Rev
			}
		}
	}
	if _, err := a.settings.DefineFramework(ctx, r.Team, fw, read, r.actor(), a.now()); err != nil {
		return nil, err
	}
	a.log.InfoContext(ctx, "framework defined", "team", r.Team, "name", fw.Name, "edit", edit, "by", r.User)
	rule := fmt.Sprintf("*%s*: score = %s; criteria %s.", fw.Name, fw.Formula, criteriaText(fw))
	if !edit {
		return ephemeral(plainText("Defined "+rule), section("Defined %s Every backlog of this workspace may use it: `/backlog framework %s` switches this one.", rule, fw.Name)), nil
	}
	users, err := a.settings.FrameworkUsers(ctx, r.Team, fw.Name)
	if err != nil {
		return nil, err
	}
	var redone []string
	for _, channel := range users {
		// Each backlog re-ranks by the values its ideas have, kept by
		// criterion; a value now off a scale stays as a value between.
		if err := a.settings.SetFramework(ctx, r.Team, channel, fw, prio.Actor{ID: r.User, Name: r.UserName, Admin: true}); err != nil {
			a.log.WarnContext(ctx, "backlog not re-ranked", "channel", channel, "framework", fw.Name, "err", err)
			continue
		}
		a.homesChanged(r.Team, channel)
		redone = append(redone, channelRef(channel))
	}
	after := " No backlog uses it yet."
	if len(redone) > 0 {
		after = " Re-ranked by it: " + strings.Join(redone, ", ") + "."
	}
	return ephemeral(plainText("Changed "+rule+after), section("Changed %s%s", rule, after)), nil
}

// deleteFramework serves `/backlog framework delete <name>`.
func (a *App) deleteFramework(ctx context.Context, r Request, name string) (*Reply, error) {
	if err := a.mayManage(ctx, r, "delete the workspace's frameworks"); err != nil {
		return nil, err
	}
	if _, err := prio.LookupFramework(name); err == nil && name != "" {
		return nil, prio.Errorf(prio.Invalid, "%s is built in; only a workspace's own frameworks are deleted.", prio.Quote(name))
	}
	used, err := a.settings.DeleteFramework(ctx, r.Team, strings.ToLower(name))
	if err != nil {
		return nil, err
	}
	if len(used) > 0 {
		refs := make([]string, len(used))
		for i, c := range used {
			refs[i] = channelRef(c)
		}
		which := "those backlogs"
		if len(used) == 1 {
			which = "that backlog"
		}
		return ephemeral(fmt.Sprintf("%s is in use by %s; switch %s to another framework first. Nothing was deleted.", esc(name), strings.Join(refs, ", "), which)), nil
	}
	return ephemeral(fmt.Sprintf("Deleted the framework %s.", esc(name))), nil
}
