package commands

// Every id Slack sends back to priobot, in one place: the action_id of each
// button (routed by prefix), the callback_id of each form and shortcut (the
// manifest declares the shortcuts' ids), and the block ids of form inputs.
// Beside each, what its value carries and the handler it reaches (Routes).

// Ideas: the card, listings and the idea forms.
const (
	actSupport      = "idea_support"  // value: idea number → support
	actWhere        = "idea_where"    // value: idea number → whereClicked
	actHistory      = "idea_history"  // value: idea number → historyClicked
	actMergeInto    = "idea_merge"    // value: "<from>><into>" → mergeClicked
	actKeep         = "idea_keep"     // value: idea number → keepClicked
	actPage         = "backlog_page"  // value: page number, from 0 → pageClicked
	actHomeNewIdea  = "home_new_idea" // the App Home's New idea → newIdeaShortcut
	actHomeOpen     = "home_open"     // a link to an owed card (Slack opens it) → homeOpened
	actHomeSettings = "home_settings" // value: channel → homeSettings
	actHomePoker    = "home_poker"    // value: "channel:3,5,8" → homePoker
	actHomeHelp     = "home_help"     // → homeHelp
	viewNewIdea     = "idea_new"      // private_metadata: channel id → submitIdeaForm
	inputTitle      = "title"         // the idea forms' title
	inputDesc       = "description"   // the idea forms' description
)

// The idea card's menu and the forms it opens (private_metadata:
// ideaFormMeta).
const (
	actIdeaMenu     = "idea_menu"        // value: "verb:number:channel" → menuPicked
	viewIdeaStatus  = "idea_status_form" // → submitStatusForm
	viewIdeaScore   = "idea_score_form"  // → submitScoreForm
	viewIdeaMerge   = "idea_merge_form"  // → submitMergeForm
	viewIdeaLink    = "idea_link_form"   // → submitLinkForm
	inputStatus     = "status"           // the status picked
	inputCriterion  = "criterion:"       // + key: a card of its scale
	inputBetween    = "between:"         // + key: a value typed between the cards
	inputInto       = "into"             // the idea picked to merge into
	inputIntoNumber = "into_number"      // … or its number typed
	inputLink       = "link"             // the link typed
	inputUnlink     = "unlink"           // the links picked to remove (their index)
	inputPush       = "push"             // "push": open an issue on GitHub
)

// The settings form (private_metadata: settingsMeta → submitSettings).
const (
	viewSettings    = "backlog_settings"
	inputFramework  = "framework"
	inputDefine     = "framework_def" // a framework to define (or change) for the workspace
	inputOwners     = "owners"
	inputDay        = "summary_day"
	inputTime       = "summary_time"
	inputZone       = "summary_zone"
	inputHookAdd    = "webhook_add"
	inputHookRemove = "webhook_remove" // endpoint ids
	inputHookTest   = "webhook_test"   // endpoint ids
	inputRepo       = "github_repo"    // owner/repo; empty: not connected
	inputRepoLabel  = "github_label"
)

// Capture: the shortcuts and the form they open.
const (
	scAddToBacklog = "add_to_backlog" // message shortcut "Add to backlog" → addToBacklog
	scNewIdea      = "new_idea"       // global shortcut "New idea" → newIdeaShortcut
	viewIdeaFrom   = "idea_from"      // private_metadata: formMeta → submitIdeaFrom
	inputBacklog   = "backlog"        // the backlog picked
	inputAskers    = "requesters"     // the people who asked
)

// Poker. A vote button's action id names its criterion and value (unique
// in its row); every other card button's value is "sid:idea:round".
const (
	actVote     = "poker_vote:"  // + criterion + ":" + label → vote
	actReveal   = "poker_reveal" // → reveal
	actAccept   = "poker_accept" // → decide
	actRevote   = "poker_revote" // → decide
	actSkip     = "poker_skip"   // → decide
	actEnd      = "poker_end"    // value: sid → endSession
	actNudge    = "poker_nudge"  // value: sid → nudge
	actReason   = "poker_reason" // value: "sid:idea:criterion" → reasonClicked
	viewPoker   = "poker_new"    // private_metadata: pokerFormMeta → submitPokerForm
	viewReason  = "poker_reason" // private_metadata: "channel:sid:idea:criterion" → submitReason
	inputIdeas  = "ideas"        // the poker form's ideas
	inputVoters = "voters"       // … its voters
	inputFor    = "deadline"     // … how long voting stays open
	inputQuorum = "quorum"       // … how many votes reveal a card
	inputReason = "reason"       // the reason form's one line
)

// Summaries.
const (
	actSummaryPoker = "summary_poker" // value: "3,5,8" → summaryPoker
)

// Priority Ratings. A rating button's action id names its rating (unique
// in its row); its value is "channel:round:idea:3,5,8" (the backlog, the
// round, the idea rated, the round's ideas), as it is clicked in a DM.
const (
	actRate         = "ratings_rate:" // + "1".."5" or "skip" → rateClicked
	actRatingsNudge = "ratings_nudge" // value: round → ratingsNudgeClicked
	actRatingsClose = "ratings_close" // value: round → ratingsCloseClicked
	actRatingsUse   = "ratings_use"   // value: "round:criterion" → ratingsUseClicked
)
