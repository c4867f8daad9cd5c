# Le récapitulatif hebdomadaire : le message que chacun reçoit, et sa page d’aperçu (« Mon récapitulatif »).

digest-title = Récapitulatif hebdomadaire : { $reader }
digest-week = Semaine { $week }
digest-opted-out = désabonné : non envoyé
digest-goes-to = envoyé à { $address }
digest-no-address = pas d’adresse e-mail : non envoyé
digest-nothing = rien à signaler cette semaine : non envoyé
digest-subject = Objet : { $subject }
digest-plain-text = La version texte

digest-mail-subject = { $org } : votre semaine { $week } dans Pacer
digest-hello = Bonjour { $name },
digest-intro = Votre semaine { $week } chez { $org }, avec les chiffres au { $day }.
digest-nothing-to-tell = Pacer n’a rien à vous signaler cette semaine.
digest-footer = Ce récapitulatif arrive chaque { $day } à { $time } ({ $zone }). Pour ne plus le recevoir, décochez le récapitulatif hebdomadaire dans Mon compte, dans Pacer.
digest-span = { $year } au { $day } ; montants en { $currency }.
digest-span-plan = { $year } au { $day }, face au plan { $plan } v{ $version } ; montants en { $currency }.
digest-span-note = { $year } au { $day }. { $note } ; montants en { $currency }.
digest-your-scorecard = Votre fiche de performance
digest-no-kpi = Aucun indicateur du plan n’a encore d’objectif pour vous.
digest-col-kpi = Indicateur
digest-col-year-to-date = Exercice à date
digest-col-target-to-date = Objectif à date
digest-col-attainment = Taux d’atteinte
digest-col-pace = Rythme
digest-col-rank = Rang dans l’équipe
digest-col-rank-short = Rang
digest-col-team = Équipe
digest-col-revenue = Chiffre d’affaires
digest-col-churn = Attrition
digest-item = { $name } : { $text }
digest-missing = Ce qui manque
digest-team = Équipe { $team }
digest-not-logging = { $name } : saisie manquante pour { $kpis }
digest-behind = { $name } : en retard sur { $kpi } ({ $share } de l’objectif à date)
digest-standing = { $count ->
        [one] { $reps } commercial
       *[other] { $reps } commerciaux
    } : { $ahead } en avance, { $on_pace } dans le rythme, { $behind } en retard, { $not_logging } sans saisie.
digest-no-attention = Personne ne demande d’attention : tout le monde saisit et est dans le rythme ou en avance.
digest-attention = Qui demande de l’attention
digest-company = L’entreprise
digest-teams-ranked = Équipes classées par { $kpi }, exercice à date :
digest-review-open = La revue du { $quarter } est ouverte : { $count ->
        [0] aucune exception notée pour l’instant
        [one] { $shown } exception notée
       *[other] { $shown } exceptions notées
    }.

# Pourquoi le récapitulatif d’une personne n’est pas parti, pour qui l’envoie (la langue de la ligne de commande).
digest-failed-no-address = pas d’adresse e-mail : indiquez-en une avec `pacer user update { $user } --email ...` ou sur sa fiche de commercial
digest-failed-compose = le récapitulatif n’a pas pu être composé : { $error }
digest-failed-claim = l’envoi n’a pas pu être enregistré, il n’est donc pas parti : { $error }
digest-failed-confirm = envoyé, mais pas enregistré comme envoyé : { $error }
