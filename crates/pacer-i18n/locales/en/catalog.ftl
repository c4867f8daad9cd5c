# The metric catalog (the KPIs page), the readiness report and the logging page.

catalog-title = Metric catalog
catalog-none = No catalog has been applied yet.
catalog-version = Version { $version }, applied { $at } by { $by }.
catalog-readiness-link = Readiness report
catalog-download = Download metrics.toml
catalog-kpi = KPI
catalog-category = Category
catalog-unit = Unit
catalog-owner = Owner
catalog-capture = Capture
catalog-tracked-since = Tracked since
catalog-key-title = The key in metrics.toml and the API
catalog-better = ({ $direction ->
        [lower] lower
       *[higher] higher
    } is better)
catalog-ready-by = ready by { $day }, { $days ->
        [one] { $days_shown } day
       *[other] { $days_shown } days
    } of setup
catalog-instead = instead: { $kpis }
catalog-edit = Edit a KPI
catalog-edit-help = Changes are checked like a file and applied as a new version, kept in the audit log.
catalog-priority = Priority
catalog-source = Source / process
catalog-setup-days = Setup days
catalog-ready-by-label = Ready by
catalog-alternatives = Alternatives (KPI names, comma-separated)
catalog-description = Description
catalog-apply-file = Apply a catalog file
catalog-paste = Paste the catalog here (see docs/metrics.md)
catalog-force = Apply even if it defines no KPI (this removes every KPI)
catalog-check-apply = Check and apply
catalog-versions = Versions
catalog-applied = Applied
catalog-by = By
catalog-why = Why
catalog-changes = Changes to metrics.toml
catalog-not-applied = The catalog was not applied
    .title = Catalog not applied
catalog-back = Back to the catalog
catalog-applied-version = Applied version { $version }: { $diff }
catalog-unchanged = Unchanged: version { $version } means the same.
catalog-saved-version = Saved as version { $version }: { $diff }
catalog-nothing-changed = Nothing changed.
catalog-setup-days-not-number = setup days { $value } is not a number
catalog-ready-by-not-date = ready by { $value } is not a date
catalog-method-unknown = { $value } is not one of automatic, manual, planned, unavailable

# How a KPI is captured (the values in metrics.toml stay automatic, manual, planned, unavailable).
catalog-method-automatic = automatic
catalog-method-manual = manual
catalog-method-planned = planned
catalog-method-unavailable = unavailable
catalog-category-activity = activity
catalog-category-pipeline = pipeline
catalog-category-revenue = revenue
catalog-category-retention = retention
catalog-category-expansion = expansion
catalog-category-other = other
catalog-unit-count = count
catalog-unit-currency = currency
catalog-unit-percent = percent
catalog-unit-duration = duration

# The readiness report.
readiness-title = Readiness
readiness-heading = KPI readiness: { $fy }
readiness-window = Completeness of manual capture over the last { $days ->
        [one] working day
       *[other] { $days_shown } working days
    }.
readiness-day-one = Day one?
readiness-arriving = Data arriving
readiness-completeness = Completeness
readiness-coverage = Coverage of { $fy }
readiness-setup-left = Setup left
readiness-instead = Instead
readiness-of = { $logged } of { $active }
readiness-not-logging = not logging:
readiness-reps = { $count ->
        [one] { $shown } rep
       *[other] { $shown } reps
    }
readiness-days = { $count ->
        [one] { $shown } day
       *[other] { $shown } days
    }
readiness-ready-by = ready by { $day }
readiness-yes = yes
readiness-with-setup = with setup
readiness-no = no
readiness-last = yes, last
readiness-silent = silent
readiness-since = since
readiness-no-data = no data
readiness-capture-automatic = automatic from { $source }
readiness-capture-manual = manual: { $process }
readiness-capture-planned = planned: { $count ->
        [one] { $days } day
       *[other] { $days } days
    } of setup
readiness-coverage-not-started = not started
readiness-coverage-not-tracked = not tracked yet
readiness-coverage-full = full
readiness-coverage-partial = partial: covers { $tracked } of { $elapsed } months: not a full-year picture

# The logging page.
logging-title = Logging
logging-intro = “If it is not in the system, it did not happen.” Manual KPIs over the last 5 working days.
logging-manual-kpi = Manual KPI
logging-logged = Logged
logging-not-logging = Not logging
logging-other-teams = (+{ $count } in other teams)
logging-contest = Logging contest, { $from } to { $to }
logging-rank = Rank
logging-rep = Rep
logging-by-hand = Activities logged by hand
