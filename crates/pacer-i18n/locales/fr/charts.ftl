# Ce que les graphiques écrivent eux-mêmes : graphiques vides, zones de la jauge, et les mots
# que partagent les graphiques des pages (séries, objectifs, notes).

chart-no-data = Aucune donnée
chart-title-no-data = { $title } : aucune donnée
chart-column-no-data = { $column } : aucune donnée
chart-tip = { $label } : { $value }
chart-no-data-in-span = Aucune donnée sur cette période
chart-all-zero-in-span = Tout est à zéro sur cette période
chart-zone-normal = normal
chart-zone-acceptable = acceptable
chart-zone-high = élevé
chart-actual = Réalisé
chart-actual-to-date = Réalisé à date
chart-forecast = Prévision statistique
chart-target-of = Objectif ({ $plan })
chart-target-approved = objectif (plan approuvé)
chart-the-target = l’objectif
chart-year-so-far = L’année à date face au plan
    .note = barres : réalisé à date ; pointillés : objectif, phasé selon la saisonnalité
chart-month-by-month = Mois par mois face au plan
    .note = réalisé de chaque mois ; pointillés : son objectif, phasé selon la saisonnalité
chart-others = Autres ({ $count } { $kind })
