# The weekly digest: the message each person receives, and its preview page ("My digest").

digest-title = Weekly digest: { $reader }
digest-week = Week { $week }
digest-opted-out = opted out: not sent
digest-goes-to = goes to { $address }
digest-no-address = no e-mail address: not sent
digest-nothing = nothing to tell this week: not sent
digest-subject = Subject: { $subject }
digest-plain-text = The plain-text part

digest-mail-subject = { $org }: your week { $week } in Pacer
digest-hello = Hello { $name },
digest-intro = Your week { $week } at { $org }, with the figures to { $day }.
digest-nothing-to-tell = Pacer has nothing to tell you this week.
digest-footer = This digest comes every { $day } at { $time } ({ $zone }). To stop it, untick the weekly digest under My account in Pacer.
digest-span = { $year } to { $day }; amounts in { $currency }.
digest-span-plan = { $year } to { $day }, against the plan { $plan } v{ $version }; amounts in { $currency }.
digest-span-note = { $year } to { $day }. { $note }; amounts in { $currency }.
digest-your-scorecard = Your scorecard
digest-no-kpi = No KPI of the plan has a target for you yet.
digest-col-kpi = KPI
digest-col-year-to-date = Year to date
digest-col-target-to-date = Target to date
digest-col-attainment = Attainment
digest-col-pace = Pace
digest-col-rank = Rank in team
digest-col-rank-short = Rank
digest-col-team = Team
digest-col-revenue = Revenue
digest-col-churn = Churn
digest-item = { $name }: { $text }
digest-missing = What is missing
digest-team = Team { $team }
digest-not-logging = { $name }: not logging { $kpis }
digest-behind = { $name }: behind on { $kpi } ({ $share } of the target to date)
digest-standing = { $count ->
        [one] { $reps } rep
       *[other] { $reps } reps
    }: { $ahead } ahead, { $on_pace } on pace, { $behind } behind, { $not_logging } not logging.
digest-no-attention = No one needs attention: everyone logs and is on pace or ahead.
digest-attention = Who needs attention
digest-company = The company
digest-teams-ranked = Teams ranked by { $kpi }, year to date:
digest-review-open = The review of { $quarter } is open: { $count ->
        [0] no exception noted yet
        [one] { $shown } exception noted
       *[other] { $shown } exceptions noted
    }.

# Why a person's digest was not sent, for the one who sends (the command line's language).
digest-failed-no-address = no e-mail address: give one with `pacer user update { $user } --email ...` or on their rep record
digest-failed-compose = the digest could not be composed: { $error }
digest-failed-claim = could not be recorded, so not sent: { $error }
digest-failed-confirm = sent, but not recorded as sent: { $error }
