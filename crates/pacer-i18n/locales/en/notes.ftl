# The explanations beside figures: a KPI's coverage of the year, why it is not ready, the data
# gaps with what to do, why a target is what it is.

## A KPI tracked for part of the year or of a report's column
notes-partial = covers { $tracked } of { $elapsed } months: not a full-year picture
notes-column-not-tracked = not tracked (tracked since { $since })
notes-column-part = covers { $tracked } of { $elapsed } months (tracked since { $since })

## Why a KPI gives no full-year picture from the first day of the year
notes-cannot-capture = cannot be captured
notes-cannot-capture-because = cannot be captured: { $reason }
notes-ready-late = ready on { $day }, after the year starts: not a full-year picture
notes-mid-year = tracked since { $day }: added mid-year

## Data gaps, and what to do about each
notes-gap-not-live = { $kpi } is planned but not live yet
notes-gap-finish-setup = finish the setup (ready by { $day }); until then it has no figures
notes-gap-date-setup = give the setup a date and an owner
notes-gap-no-data = { $kpi }: no data in { $period }
notes-gap-check-capture = check the capture process or the integration feeding it
notes-gap-silent = { $kpi }: the automated source has been silent since { $day }
notes-gap-ask-owner = ask the integration's owner to check it
notes-gap-low-completeness = { $kpi }: only { $logged } of { $active } active reps logged lately ({ $share })
notes-gap-remind = remind the reps named, or make logging part of the weekly one-to-one
notes-gap-partial = { $kpi }: { $why }
notes-gap-read-partial = read its yearly figures as partial; they are not annualised
notes-gap-rep = rep { $id }

## Why a target is what it is
notes-left = left on { $day }: no target after
notes-left-whole = left on { $day }: no target in this period
notes-ramp = ramped: { $steps } of a full quota in the first { $count ->
        [one] month
       *[other] { $months } months
    } (hired { $day })
notes-ramp-over = ramped: { $share } of a full quota over the period (hired { $day })
notes-early = to date: { $share } of the period's target so far

## The growth calculator's arithmetic ($rates is the formula with its figures)
notes-growth = { $rates } = { $needed }: { $growth } for growth + { $churn } to replace the { $churn } expected to leave
notes-growth-with-expansion = { $text } − { $expansion } expected from expansion
notes-growth-none = { $rates } = { $computed }, so no new business is needed: { $reason }
notes-growth-expansion-outweighs = the { $expansion } expected from expansion outweighs the { $growth } for growth and the { $churn } expected to leave
notes-growth-decrease-and-expansion = the planned decrease of { $decrease } and the { $expansion } expected from expansion outweigh the { $churn } expected to leave
notes-growth-decrease = the planned decrease of { $decrease } is more than the { $churn } expected to leave

## A rep's scorecard
notes-not-logged = not logged in the last { $count ->
        [one] working day
       *[other] { $days } working days
    }
notes-scorecard-no-plan = { $year } has no approved plan yet: actuals and ranks only

## Where a record came from
notes-source-manual = manual
notes-source-import = import
notes-source-integration = integration
notes-source-demo = demo
