# The command line: its messages for people and the headers of its tables (`Format::Table`).
# CSV and JSON keep the machine headers and keys; English tables show the machine header itself.

cli-yes = yes
cli-no = no
cli-wrote = Wrote { $path }
cli-to-date = { $period } (to date)
cli-password-shown = Password for { $user }: { $password }  (shown once)
cli-password-changed = Password of { $user } changed; their sessions ended.
cli-token-secret = Secret (shown once; send it as `Authorization: Bearer ...`):
cli-init-admin = Created admin user { $user }.
cli-init-users-exist = Users exist already: no admin created.
cli-init-done = Organisation { $org } is set up; the current fiscal year is { $year }.
cli-org-saved = Saved. The current fiscal year is { $year }.
cli-backup-done = Backed up { $database } to { $file } in { $seconds } s: { $rows } rows; SQLite's integrity check: ok.
cli-restore-done = Restored { $file } into { $database } in { $seconds } s: { $rows } rows.
cli-copying = copying
cli-copy-bar = { $pos }/{ $len } rows { $per_sec } eta { $eta }
cli-logged = Logged a { $kind } for { $rep } on { $when }.
cli-logged-of = { $logged } of { $reps }
cli-churn-converted = { $rate } { $from } = { $converted } { $to }
cli-churn-monthly = monthly
cli-churn-quarterly = quarterly
cli-churn-annual = annual
cli-churn-tagged = Tagged.
cli-churn-band = Band: annual churn up to { $normal } normal, up to { $acceptable } acceptable.
cli-fx-deleted = Deleted the rate of { $currency } for { $month }; { $deals } deal(s) converted again.
cli-fx-set = Set { $rates } rate(s); { $deals } deal(s) converted again.
cli-metrics-checked = { $file }: { $kpis } KPIs, no errors, { $warnings } warning(s)
cli-metrics-init = Wrote the { $template } catalog ({ $about }) to { $file }: edit it, then `pacer metrics apply { $file }`.
cli-catalog-unchanged = Unchanged: the catalog in force (version { $version }) means the same.
cli-catalog-applied = Applied catalog version { $version }:
cli-readiness-heading = Readiness for { $year } ({ $from } to { $to }), completeness over the last { $days } working days:
cli-readiness-arriving = yes (last { $day })
cli-readiness-silent = silent since { $day }
cli-readiness-no-data = no data
cli-readiness-days = { $days } days
cli-plan-created = Created plan { $id } ({ $name } v{ $version }, draft) for { $year }.
cli-plan-allocated = Wrote { $targets } targets of { $kpi } in plan { $plan } to { $recipients } recipients.
cli-plan-gap = { $name } v{ $version } ({ $status }). Top-down { $top } against bottom-up { $bottom }: difference { $difference }.
cli-plan-set = Set.
cli-plan-status = Plan { $id } ({ $name } v{ $version }) is { $status }.
cli-plan-copied = Copied to plan { $id } ({ $name } v{ $version }, draft).
cli-plan-tolerance = Tolerance { $tolerance }: attained when the actual reaches { $reach } of the target.
cli-plan-stage = Current stage: { $stage }.
cli-plan-no-stage = none
cli-seasonality-quarters = Quarters: { $quarters } ({ $method })
cli-seasonality-to = {" "}(to { $day })
cli-seasonality-outlook = Year to date{ $to } { $ytd }; year end by the seasonal indices { $seasonal }; by a statistical forecast { $forecast }{ $why }.
cli-plan-exported = Wrote plan { $id } ({ $name } v{ $version }, { $status }) to { $file }.
cli-plan-imported-kpi = { $kpi }: { $lines } lines, { $targets } targets, { $changed } changed.
cli-plan-imported = Imported { $file } into plan { $id } ({ $name } v{ $version }).
cli-growth-allocated = Allocated { $amount } of { $kpi } in plan { $plan }: { $targets } targets.

# Reports, the pipeline, stages and reviews.
cli-pipeline-footnote = { $period }: open deals expected to close in it and deals won in it; open deals without a close date are in open and weighted, and under no close date rather than in a forecast category.
cli-unmapped-how = `pacer stages set` (proposed lines below) or `pacer stages alias`
cli-unmapped-pipeline = { $note }, in no figure above; map them with { $how }
cli-unmapped-stages = { $note }; map them with { $how }
cli-unmapped-still = Still { $note }; map them with { $how }
cli-unmapped-in-files = { $note }, in no figure of the rows (see `pacer stages`)
cli-rollups-rebuilt = Rebuilt the daily rollups: { $activities } activity rows, { $deals } deal rows in { $seconds } s.
cli-stages-saved = Saved the pipeline stages:
cli-review-opened = Opened the review of { $period } against plan { $plan }.
cli-review-closed = Closed the review of { $period }: its figures are frozen.
cli-review-applied = Applied: plan { $id } ({ $name } v{ $version }) is { $status }.
cli-review-months-past = { $count ->
        [one] { $months } month past keeps its targets.
       *[other] { $months } months past keep their targets.
    } Apply with --apply --reason "...".
cli-review-against = { $quarter } against { $plan } v{ $version }, as of { $day }.
cli-review-gap = gap ({ $kind }): { $message }{ $reps } → { $action }
cli-review-note = note: { $text }
cli-review-corrected = corrected since closing: { $kpi } { $owner } was { $frozen }, now { $now }

# The weekly digest.
cli-digest-not-sent-opted-out = { $user } has opted out: this is not sent.
cli-digest-not-sent-no-address = { $user } has no e-mail address: this is not sent.
cli-digest-not-sent-nothing = Nothing to tell { $user } this week: this is not sent.
cli-digest-headers = To: { $reader } <{ $address }>
    Subject: { $subject }
cli-digest-sent = sent
cli-digest-would-send = would be sent
cli-digest-already-sent = already sent this week
cli-digest-opted-out = opted out
cli-digest-nothing = nothing to tell this week
cli-digest-failed = NOT SENT: { $why }
cli-digest-sent-count = sent
cli-digest-would-send-count = would be sent
cli-digest-line = { $user } ({ $name }){ $to }: { $what }
cli-digest-week = Week { $week }: { $sent } { $verb }, { $already } already sent, { $opted_out } opted out, { $nothing } with nothing to tell, { $failed } not sent.
cli-digest-sent-already = This week's digest has been sent already: nothing was sent again.
cli-digest-not-all-sent = { $failed } digest(s) of week { $week } could not be sent (see above); the others were

# Imports.
cli-import-keyed-by-content = { $file }: no id column, so each record is keyed by its content; importing it again changes nothing
cli-import-counts = { $file }: { $new } new, { $updated } updated, { $unchanged } unchanged, { $rejected } rejected{ $rejects }
cli-import-rejects-written = {" "}(written to { $path })
cli-import-bar = { $bar } { $percent } { $msg } eta { $eta }
cli-import-checking = checking { $bar } { $pos }/{ $len } rows { $per_sec } eta { $eta }
cli-import-rows = { $rows } rows, { $rate } rows/s
cli-import-rows-in = { $rows } rows in { $seconds } s, { $rate } rows/s
cli-import-unmapped = { $count ->
        [one] { $rows } row in a stage not in the pipeline settings
       *[other] { $rows } rows in stages not in the pipeline settings
    }: { $stages }; add them with { $how }

# The demo and the server.
cli-demo-creating = Creating the demo organisation in { $database } ...
cli-demo-reusing = Reusing the demo organisation in { $database } (use --fresh to start over).
cli-demo-loaded = { $teams } teams, { $people } people, { $accounts } accounts, { $activities } activities, { $deals } deals, { $months } account-months of revenue
cli-demo-users = Demo users (password { $password } for each):
cli-demo-user-ops = sales operations: everything, changes the catalog, users and tokens
cli-demo-user-lead = sales leadership: everything, approves plans
cli-demo-user-manager = manager of NA Mid-Market
cli-demo-user-manager2 = manager of EMEA North
cli-demo-user-rep = a rep of NA Mid-Market
cli-serve-running = Pacer is running at http://{ $address }/  (Ctrl-C to stop)
cli-serve-first-admin = First start: created user 'admin' with password { $password }
cli-serve-shown-once = This is shown once. Change it on the My account page.
cli-serve-default-org = No organisation was set up: using defaults (run `pacer init` or `pacer org set` to change them).
cli-serve-digest = The weekly digest goes out every { $day } at { $hour } ({ $zone }) through { $server }.
cli-serve-no-mail = No mail server is set (smtp_url): the weekly digest is not sent.

# Dashboards and scorecards.
cli-dashboard-heading = Leadership dashboard · { $year } to { $day }
cli-dashboard-team-heading = { $team } · { $year } to { $day }

# Plans.
cli-attainment-full-target = { $period } full target
cli-attainment-target = { $period } target
cli-attainment-actual = { $period } actual
cli-attainment-credited = { $period } credited %
cli-attainment-attained = { $period } attained

# The names of the dashboards' and scorecard's tables above them (`cli-sheet-…`, by their name).
cli-sheet-kpis = KPIs
cli-sheet-reps = Reps
cli-sheet-revenue = Revenue
cli-sheet-teams = Teams
cli-sheet-readiness = Readiness
cli-sheet-exceptions = Exceptions
cli-sheet-pipeline = Pipeline
cli-sheet-churn = Churn
cli-sheet-scorecard = Scorecard
cli-sheet-months = Months

# Column headers of the tables, each named by its machine header in lower case with dashes
# (see `output::header`); a unit in brackets follows as it is.
cli-col-id = id
cli-col-user = user
cli-col-name = name
cli-col-role = role
cli-col-rep = rep
cli-col-active = active
cli-col-email = email
cli-col-digest = digest
cli-col-language = language
cli-col-scope = scope
cli-col-created-by = created by
cli-col-created = created
cli-col-revoked = revoked
cli-col-when = when
cli-col-who = who
cli-col-what = what
cli-col-record = record
cli-col-why = why
cli-col-table = table
cli-col-rows = rows
cli-col-logged = logged
cli-col-completeness = completeness
cli-col-not-logging = not logging
cli-col-rank = rank
cli-col-cohort = cohort
cli-col-customers = customers
cli-col-key = key
cli-col-controllable = controllable
cli-col-period = period
cli-col-customers-at-start = customers at start
cli-col-churned = churned
cli-col-customer-churn = customer churn
cli-col-annualised = annualised
cli-col-band = band
cli-col-gross-mrr-churn = gross MRR churn
cli-col-net-mrr-churn = net MRR churn
cli-col-grr = GRR
cli-col-nrr = NRR
cli-col-start-mrr = start MRR
cli-col-new = new
cli-col-reactivation = reactivation
cli-col-expansion = expansion
cli-col-contraction = contraction
cli-col-churn-mrr = churn MRR
cli-col-end-mrr = end MRR
cli-col-quick-ratio = quick ratio
cli-col-uncontrollable = uncontrollable
cli-col-currency = currency
cli-col-month = month
cli-col-rate = rate
cli-col-into = into
cli-col-priority = priority
cli-col-category = category
cli-col-unit = unit
cli-col-owner = owner
cli-col-capture = capture
cli-col-version = version
cli-col-applied = applied
cli-col-by = by
cli-col-changes = changes
cli-col-day-one = day one
cli-col-data-arriving = data arriving
cli-col-complete = complete
cli-col-coverage = coverage
cli-col-setup = setup
cli-col-alternatives = alternatives
cli-col-label = label
cli-col-start = start
cli-col-end = end
cli-col-days = days
cli-col-working-days = working days
cli-col-region = region
cli-col-parent = parent
cli-col-manager = manager
cli-col-title = title
cli-col-team = team
cli-col-hired = hired
cli-col-left = left
cli-col-e-mail = e-mail
cli-col-year = year
cli-col-status = status
cli-col-approved-by = approved by
cli-col-copied-from = copied from
cli-col-tier = tier
cli-col-kpi = kpi
cli-col-level = level
cli-col-stage = stage
cli-col-lost = lost
cli-col-customers-at-end = customers at end
cli-col-arr = ARR
cli-col-new-arr = new ARR
cli-col-arr-at-end = ARR at end
cli-col-fiscal-month = fiscal month
cli-col-index = index
cli-col-actual = actual
cli-col-seasonally-adjusted = seasonally adjusted
cli-col-open-deals = open deals
cli-col-open = open
cli-col-weighted = weighted
cli-col-pipeline = pipeline
cli-col-best-case = best case
cli-col-commit = commit
cli-col-no-close-date = no close date
cli-col-closed-won = closed won
cli-col-line = line
cli-col-order = order
cli-col-kind = kind
cli-col-probability = probability
cli-col-aliases = aliases
cli-col-company = Company
cli-col-tolerance = tolerance %
cli-col-quarter-target-to-date = quarter target to date
cli-col-ytd-target-to-date = YTD target to date
cli-col-year-target = year target
cli-col-pace = pace
cli-col-missing = missing
cli-col-business = business
cli-col-year-end-at-the-seasonal-pace = year end at the seasonal pace
cli-col-year-end-by-the-statistical-forecast = year end by the statistical forecast
cli-col-last-data = last data
cli-col-arriving = arriving
cli-col-won = won
cli-col-open-pipeline = open pipeline
cli-col-still-to-reach = still to reach
cli-col-to-date = to date
cli-col-target-to-date = target to date
cli-col-period-target = period target
cli-col-target = target
cli-col-raw = raw %
cli-col-credited = credited %
cli-col-attained = attained
cli-col-team-rank = team rank
cli-col-company-rank = company rank
