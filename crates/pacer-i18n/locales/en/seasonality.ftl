# What makes seasonal indices less reliable, why they or a forecast could not be computed.

seasonality-short-history = only { $months } months of history (fewer than { $full }): treat these indices as a rough guide
seasonality-missing-months = { $missing } of { $months } months have no value and were left out
seasonality-zero-months = { $zeros } of { $months } months are zero
seasonality-zero-averages = { $shown } centred moving averages are zero: those months were left out
seasonality-year-missing = fiscal year { $year } of the series has missing months and was left out
seasonality-year-zero = fiscal year { $year } of the series totals 0 and was left out
seasonality-one-full-year = only one full fiscal year: the indices are that year's pattern
seasonality-share-of-year = share of year used: { $reason }
seasonality-fallback-short = decomposition needs { $full } months, or { $min } with every month present
seasonality-fallback-no-ratio = decomposition found no ratio for fiscal month { $month } (missing or zero data around it)
seasonality-fallback-zero-ratios = every month with a ratio to its centred moving average is zero
seasonality-shrunk = fiscal month { $month }: a value in { $evidence } of { $years } years, so its index is { $index } rather than { $found } (shrunk toward an average month by the evidence behind it)
seasonality-low-index = fiscal month { $month }: index { $index }, so its target is under a quarter of an average month's: check that its history is complete

## Why no indices
seasonality-not-enough = seasonality needs at least { $min } months of history; there are { $months }
seasonality-invalid-value = month { $position } of the series has value { $value }: seasonality needs finite values of 0 or more
seasonality-no-full-year = no full fiscal year with 12 values and a positive total: cannot compute seasonal indices
seasonality-history-years = seasonal indices learn from 2 to { $max } fiscal years of history, not { $years }
seasonality-too-short = { $kpi } has { $months } months of history before { $year }; seasonal phasing needs at least 12 (24 for a reliable picture): phase evenly or by custom weights instead
seasonality-phased-evenly = { $why }; phased evenly as asked

## Why no statistical forecast
seasonality-forecast-no-horizon = nothing to forecast: the horizon is 0 months
seasonality-forecast-period = a season of { $period } months is not valid: use 2 or more (12 for monthly data)
seasonality-forecast-history = a forecast needs at least { $needed } months of history (two full seasons); there are { $months }
seasonality-forecast-value = month { $position } of the history has value { $value }: a forecast needs finite values of 0 or more
seasonality-forecast-model = the forecasting model failed: { $why }
