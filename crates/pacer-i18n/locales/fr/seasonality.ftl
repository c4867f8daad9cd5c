# What makes seasonal indices less reliable, why they or a forecast could not be computed.

seasonality-short-history = seulement { $months } mois d’historique (moins de { $full }) : ces indices ne donnent qu’une tendance
seasonality-missing-months = { $count ->
        [one] { $missing } mois sur { $months } n’a pas de valeur et a été écarté
       *[other] { $missing } mois sur { $months } n’ont pas de valeur et ont été écartés
    }
seasonality-zero-months = { $count ->
        [one] { $zeros } mois sur { $months } est à zéro
       *[other] { $zeros } mois sur { $months } sont à zéro
    }
seasonality-zero-averages = { $count ->
        [one] { $shown } moyenne mobile centrée est nulle : ce mois a été écarté
       *[other] { $shown } moyennes mobiles centrées sont nulles : ces mois ont été écartés
    }
seasonality-year-missing = l’exercice { $year } de la série a des mois manquants et a été écarté
seasonality-year-zero = l’exercice { $year } de la série totalise 0 et a été écarté
seasonality-one-full-year = un seul exercice complet : les indices reprennent le profil de cet exercice
seasonality-share-of-year = part de l’année utilisée : { $reason }
seasonality-fallback-short = la décomposition demande { $full } mois, ou { $min } si aucun mois ne manque
seasonality-fallback-no-ratio = la décomposition n’a trouvé aucun ratio pour le mois { $month } de l’exercice (données manquantes ou nulles autour)
seasonality-fallback-zero-ratios = tous les mois ayant un ratio à leur moyenne mobile centrée sont à zéro
seasonality-shrunk = mois { $month } de l’exercice : une valeur sur { $evidence } exercice(s) sur { $years }, son indice est donc de { $index } au lieu de { $found } (ramené vers un mois moyen selon les données disponibles)
seasonality-low-index = mois { $month } de l’exercice : indice { $index }, son objectif est donc inférieur au quart de celui d’un mois moyen : vérifier que son historique est complet

## Why no indices
seasonality-not-enough = la saisonnalité demande au moins { $min } mois d’historique ; il y en a { $months }
seasonality-invalid-value = le mois { $position } de la série vaut { $value } : la saisonnalité demande des valeurs finies, positives ou nulles
seasonality-no-full-year = aucun exercice complet avec 12 valeurs et un total positif : impossible de calculer des indices saisonniers
seasonality-history-years = les indices saisonniers s’appuient sur 2 à { $max } exercices d’historique, pas { $years }
seasonality-too-short = { $kpi } a { $months } mois d’historique avant { $year } ; la saisonnalisation demande au moins 12 mois (24 pour une image fiable) : répartir uniformément ou par pondérations personnalisées
seasonality-phased-evenly = { $why } ; réparti uniformément comme demandé

## Why no statistical forecast
seasonality-forecast-no-horizon = rien à prévoir : l’horizon est de 0 mois
seasonality-forecast-period = une saison de { $period } mois n’est pas valable : indiquer 2 ou plus (12 pour des données mensuelles)
seasonality-forecast-history = une prévision demande au moins { $needed } mois d’historique (deux saisons complètes) ; il y en a { $months }
seasonality-forecast-value = le mois { $position } de l’historique vaut { $value } : une prévision demande des valeurs finies, positives ou nulles
seasonality-forecast-model = le modèle de prévision a échoué : { $why }
