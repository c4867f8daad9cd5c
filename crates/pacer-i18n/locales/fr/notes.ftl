# The explanations beside figures: a KPI's coverage of the year, why it is not ready, the data
# gaps with what to do, why a target is what it is.

## A KPI tracked for part of the year or of a report's column
notes-partial = couvre { $tracked } mois sur { $elapsed } : pas une vision sur l’année entière
notes-column-not-tracked = non suivi (suivi depuis le { $since })
notes-column-part = couvre { $tracked } mois sur { $elapsed } (suivi depuis le { $since })

## Why a KPI gives no full-year picture from the first day of the year
notes-cannot-capture = impossible à collecter
notes-cannot-capture-because = impossible à collecter : { $reason }
notes-ready-late = prêt le { $day }, après le début de l’exercice : pas une vision sur l’année entière
notes-mid-year = suivi depuis le { $day } : ajouté en cours d’exercice

## Data gaps, and what to do about each
notes-gap-not-live = « { $kpi } » est prévu mais pas encore en service
notes-gap-finish-setup = terminer la mise en place (prévue pour le { $day }) ; d’ici là, aucun chiffre
notes-gap-date-setup = donner une date et un responsable à la mise en place
notes-gap-no-data = { $kpi } : aucune donnée sur { $period }
notes-gap-check-capture = vérifier le processus de saisie ou l’intégration qui l’alimente
notes-gap-silent = { $kpi } : la source automatique ne transmet plus rien depuis le { $day }
notes-gap-ask-owner = demander au responsable de l’intégration de la vérifier
notes-gap-low-completeness = { $kpi } : seuls { $logged } commerciaux actifs sur { $active } ont saisi leur activité récemment ({ $share })
notes-gap-remind = relancer les commerciaux cités, ou faire de la saisie un point du suivi individuel hebdomadaire
notes-gap-partial = { $kpi } : { $why }
notes-gap-read-partial = lire ses chiffres annuels comme partiels ; ils ne sont pas annualisés
notes-gap-rep = commercial { $id }

## Why a target is what it is
notes-left = départ le { $day } : plus d’objectif ensuite
notes-left-whole = départ le { $day } : aucun objectif sur cette période
notes-ramp = montée en charge : { $steps } d’un quota plein { $count ->
        [one] le premier mois
       *[other] les { $months } premiers mois
    } (embauche le { $day })
notes-ramp-over = montée en charge : { $share } d’un quota plein sur la période (embauche le { $day })
notes-early = à date : { $share } de l’objectif de la période pour l’instant

## The growth calculator's arithmetic ($rates is the formula with its figures)
notes-growth = { $rates } = { $needed } : { $growth } pour la croissance + { $churn } pour remplacer les { $churn } attendus en attrition
notes-growth-with-expansion = { $text } − { $expansion } attendus de l’expansion
notes-growth-none = { $rates } = { $computed }, aucune affaire nouvelle n’est donc nécessaire : { $reason }
notes-growth-expansion-outweighs = les { $expansion } attendus de l’expansion dépassent les { $growth } de croissance et les { $churn } attendus en attrition
notes-growth-decrease-and-expansion = la baisse prévue de { $decrease } et les { $expansion } attendus de l’expansion dépassent les { $churn } attendus en attrition
notes-growth-decrease = la baisse prévue de { $decrease } dépasse les { $churn } attendus en attrition

## A rep's scorecard
notes-not-logged = rien saisi { $count ->
        [one] le dernier jour ouvré
       *[other] sur les { $days } derniers jours ouvrés
    }
notes-scorecard-no-plan = { $year } n’a pas encore de plan approuvé : réalisé et classements uniquement

## Where a record came from
notes-source-manual = saisie manuelle
notes-source-import = import
notes-source-integration = intégration
notes-source-demo = démo
