# What the charts draw themselves: empty charts, the band gauge's zones, and the words the
# pages' charts share (series, goals, notes).

chart-no-data = No data
chart-title-no-data = { $title }: no data
chart-column-no-data = { $column }: no data
chart-tip = { $label }: { $value }
chart-no-data-in-span = No data in this span
chart-all-zero-in-span = All zero in this span
chart-zone-normal = normal
chart-zone-acceptable = acceptable
chart-zone-high = high
chart-actual = Actual
chart-actual-to-date = Actual to date
chart-forecast = Statistical forecast
chart-target-of = Target ({ $plan })
chart-target-approved = target (approved plan)
chart-the-target = the target
chart-year-so-far = Year so far against plan
    .note = bars: actual to date; dashed: target, phased by season
chart-month-by-month = Month by month against plan
    .note = each month’s actual; dashed: its target, phased by season
chart-others = Others ({ $count } { $kind })
