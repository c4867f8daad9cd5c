# The command line: its messages for people and the headers of its tables (`Format::Table`).
# CSV and JSON keep the machine headers and keys; English tables show the machine header itself.

cli-yes = oui
cli-no = non
cli-wrote = Écrit : { $path }
cli-to-date = { $period } (à date)
cli-password-shown = Mot de passe de { $user } : { $password }  (affiché une seule fois)
cli-password-changed = Mot de passe de { $user } modifié ; ses sessions sont terminées.
cli-token-secret = Secret (affiché une seule fois ; à envoyer comme `Authorization: Bearer ...`) :
cli-init-admin = Utilisateur administrateur { $user } créé.
cli-init-users-exist = Des utilisateurs existent déjà : aucun administrateur créé.
cli-init-done = L’organisation { $org } est configurée ; l’exercice fiscal en cours est { $year }.
cli-org-saved = Enregistré. L’exercice fiscal en cours est { $year }.
cli-backup-done = { $database } sauvegardée dans { $file } en { $seconds } s : { $rows } { $count ->
        [one] ligne
       *[other] lignes
    } ; contrôle d’intégrité SQLite : ok.
cli-restore-done = { $file } restaurée dans { $database } en { $seconds } s : { $rows } { $count ->
        [one] ligne
       *[other] lignes
    }.
cli-copying = copie
cli-copy-bar = { $pos }/{ $len } lignes { $per_sec } reste { $eta }
cli-logged = { $kind } saisi pour { $rep } le { $when }.
cli-logged-of = { $logged } sur { $reps }
cli-churn-converted = { $rate } { $from } = { $converted } { $to }
cli-churn-monthly = mensuel
cli-churn-quarterly = trimestriel
cli-churn-annual = annuel
cli-churn-tagged = Motif enregistré.
cli-churn-band = Niveaux : attrition annuelle normale jusqu’à { $normal }, acceptable jusqu’à { $acceptable }.
cli-fx-deleted = Taux de { $currency } pour { $month } supprimé ; { $deals } { $count ->
        [one] affaire reconvertie
       *[other] affaires reconverties
    }.
cli-fx-set = { $rates } { $count ->
        [one] taux enregistré
       *[other] taux enregistrés
    } ; { $deals } { $changed ->
        [one] affaire reconvertie
       *[other] affaires reconverties
    }.
cli-metrics-checked = { $file } : { $kpis } KPI, aucune erreur, { $warnings } { $count ->
        [one] avertissement
       *[other] avertissements
    }
cli-metrics-init = Catalogue { $template } ({ $about }) écrit dans { $file } : modifiez-le, puis `pacer metrics apply { $file }`.
cli-catalog-unchanged = Inchangé : le catalogue en vigueur (version { $version }) a le même sens.
cli-catalog-applied = Version { $version } du catalogue appliquée :
cli-readiness-heading = État de préparation pour { $year } (du { $from } au { $to }), complétude sur { $count ->
        [one] le dernier jour ouvré
       *[other] les { $days } derniers jours ouvrés
    } :
cli-readiness-arriving = oui (dernières le { $day })
cli-readiness-silent = rien depuis le { $day }
cli-readiness-no-data = aucune donnée
cli-readiness-days = { $days } { $count ->
        [one] jour
       *[other] jours
    }
cli-plan-created = Plan { $id } créé ({ $name } v{ $version }, brouillon) pour { $year }.
cli-plan-allocated = { $targets } objectifs de { $kpi } écrits dans le plan { $plan } pour { $recipients } { $count ->
        [one] destinataire
       *[other] destinataires
    }.
cli-plan-gap = { $name } v{ $version } ({ $status }). Descendant { $top } contre ascendant { $bottom } : écart { $difference }.
cli-plan-set = Enregistré.
cli-plan-status = Le plan { $id } ({ $name } v{ $version }) est { $status }.
cli-plan-copied = Copié dans le plan { $id } ({ $name } v{ $version }, brouillon).
cli-plan-tolerance = Tolérance { $tolerance } : atteint quand le réalisé atteint { $reach } de l’objectif.
cli-plan-stage = Étape actuelle : { $stage }.
cli-plan-no-stage = aucune
cli-seasonality-quarters = Trimestres : { $quarters } ({ $method })
cli-seasonality-to = {" "}(au { $day })
cli-seasonality-outlook = Cumul de l’exercice{ $to } { $ytd } ; fin d’exercice selon les indices saisonniers { $seasonal } ; selon une prévision statistique { $forecast }{ $why }.
cli-plan-exported = Plan { $id } ({ $name } v{ $version }, { $status }) écrit dans { $file }.
cli-plan-imported-kpi = { $kpi } : { $lines } lignes, { $targets } objectifs, { $changed } modifiés.
cli-plan-imported = { $file } importé dans le plan { $id } ({ $name } v{ $version }).
cli-growth-allocated = { $amount } de { $kpi } réparti dans le plan { $plan } : { $targets } objectifs.

# Reports, the pipeline, stages and reviews.
cli-pipeline-footnote = { $period } : affaires ouvertes dont la clôture est prévue dans la période et affaires gagnées dans la période ; les affaires ouvertes sans date de clôture comptent dans « ouvert » et « pondéré », et sous « sans date de clôture » plutôt que dans une catégorie de prévision.
cli-unmapped-how = `pacer stages set` (lignes proposées ci-dessous) ou `pacer stages alias`
cli-unmapped-pipeline = { $note }, dans aucun chiffre ci-dessus ; associez-les avec { $how }
cli-unmapped-stages = { $note } ; associez-les avec { $how }
cli-unmapped-still = Toujours { $note } ; associez-les avec { $how }
cli-unmapped-in-files = { $note }, dans aucun chiffre des lignes (voir `pacer stages`)
cli-rollups-rebuilt = Agrégats quotidiens reconstruits : { $activities } lignes d’activités, { $deals } lignes d’affaires en { $seconds } s.
cli-stages-saved = Étapes du pipeline enregistrées :
cli-review-opened = Revue de { $period } ouverte, mesurée par rapport au plan { $plan }.
cli-review-closed = Revue de { $period } clôturée : ses chiffres sont figés.
cli-review-applied = Appliqué : le plan { $id } ({ $name } v{ $version }) est { $status }.
cli-review-months-past = { $count ->
        [one] Le mois écoulé garde ses objectifs.
       *[other] Les { $months } mois écoulés gardent leurs objectifs.
    } Appliquez avec --apply --reason "...".
cli-review-against = { $quarter } par rapport à { $plan } v{ $version }, chiffres au { $day }.
cli-review-gap = lacune ({ $kind }) : { $message }{ $reps } → { $action }
cli-review-note = note : { $text }
cli-review-corrected = corrigé depuis la clôture : { $kpi } { $owner } valait { $frozen }, vaut { $now } aujourd’hui

# The weekly digest.
cli-digest-not-sent-opted-out = { $user } s’est désabonné(e) : ce récapitulatif n’est pas envoyé.
cli-digest-not-sent-no-address = { $user } n’a pas d’adresse e-mail : ce récapitulatif n’est pas envoyé.
cli-digest-not-sent-nothing = Rien à dire à { $user } cette semaine : ce récapitulatif n’est pas envoyé.
cli-digest-headers = À : { $reader } <{ $address }>
    Objet : { $subject }
cli-digest-sent = envoyé
cli-digest-would-send = serait envoyé
cli-digest-already-sent = déjà envoyé cette semaine
cli-digest-opted-out = désabonné
cli-digest-nothing = rien à dire cette semaine
cli-digest-failed = NON ENVOYÉ : { $why }
cli-digest-sent-count = envoyés
cli-digest-would-send-count = à envoyer
cli-digest-line = { $user } ({ $name }){ $to } : { $what }
cli-digest-week = Semaine { $week } : { $verb } : { $sent }, déjà envoyés : { $already }, désabonnés : { $opted_out }, rien à dire : { $nothing }, non envoyés : { $failed }.
cli-digest-sent-already = Le récapitulatif de cette semaine a déjà été envoyé : rien n’a été renvoyé.
cli-digest-not-all-sent = { $count ->
        [one] { $failed } récapitulatif de la semaine { $week } n’a pas pu être envoyé (voir ci-dessus) ; les autres l’ont été
       *[other] { $failed } récapitulatifs de la semaine { $week } n’ont pas pu être envoyés (voir ci-dessus) ; les autres l’ont été
    }

# Imports.
cli-import-keyed-by-content = { $file } : pas de colonne d’identifiant, chaque enregistrement est donc identifié par son contenu ; l’importer à nouveau ne change rien
cli-import-counts = { $file } : nouveaux : { $new }, mis à jour : { $updated }, inchangés : { $unchanged }, écartés : { $rejected }{ $rejects }
cli-import-rejects-written = {" "}(écrits dans { $path })
cli-import-bar = { $bar } { $percent } { $msg } reste { $eta }
cli-import-checking = vérification { $bar } { $pos }/{ $len } lignes { $per_sec } reste { $eta }
cli-import-rows = { $rows } lignes, { $rate } lignes/s
cli-import-rows-in = { $rows } lignes en { $seconds } s, { $rate } lignes/s
cli-import-unmapped = { $count ->
        [one] { $rows } ligne dans une étape absente des réglages du pipeline
       *[other] { $rows } lignes dans des étapes absentes des réglages du pipeline
    } : { $stages } ; { $count ->
        [one] ajoutez-la
       *[other] ajoutez-les
    } avec { $how }

# The demo and the server.
cli-demo-creating = Création de l’organisation de démonstration dans { $database }…
cli-demo-reusing = Reprise de l’organisation de démonstration dans { $database } (--fresh pour repartir de zéro).
cli-demo-loaded = { $teams } équipes, { $people } personnes, { $accounts } comptes, { $activities } activités, { $deals } affaires, { $months } mois-comptes de revenu
cli-demo-users = Utilisateurs de démonstration (mot de passe { $password } pour chacun) :
cli-demo-user-ops = sales ops : tout, modifie le catalogue, les utilisateurs et les jetons
cli-demo-user-lead = direction commerciale : tout, approuve les plans
cli-demo-user-manager = manager de NA Mid-Market
cli-demo-user-manager2 = manager de EMEA North
cli-demo-user-rep = un commercial de NA Mid-Market
cli-serve-running = Pacer tourne sur http://{ $address }/  (Ctrl-C pour arrêter)
cli-serve-first-admin = Premier démarrage : utilisateur « admin » créé avec le mot de passe { $password }
cli-serve-shown-once = Il n’est affiché qu’une fois. Changez-le sur la page Mon compte.
cli-serve-default-org = Aucune organisation n’était configurée : réglages par défaut (lancez `pacer init` ou `pacer org set` pour les changer).
cli-serve-digest = Le récapitulatif hebdomadaire part chaque { $day } à { $hour } ({ $zone }) via { $server }.
cli-serve-no-mail = Aucun serveur de messagerie n’est configuré (smtp_url) : le récapitulatif hebdomadaire n’est pas envoyé.

# Dashboards and scorecards.
cli-dashboard-heading = Tableau de bord de la direction · { $year } au { $day }
cli-dashboard-team-heading = { $team } · { $year } au { $day }

# Plans.
cli-attainment-full-target = { $period } objectif complet
cli-attainment-target = { $period } objectif à date
cli-attainment-actual = { $period } réalisé
cli-attainment-credited = { $period } taux crédité %
cli-attainment-attained = { $period } atteint

# The names of the dashboards' and scorecard's tables above them (`cli-sheet-…`, by their name).
cli-sheet-kpis = KPI
cli-sheet-reps = Commerciaux
cli-sheet-revenue = Chiffre d’affaires
cli-sheet-teams = Équipes
cli-sheet-readiness = État de préparation
cli-sheet-exceptions = Exceptions
cli-sheet-pipeline = Pipeline
cli-sheet-churn = Attrition
cli-sheet-scorecard = Fiche de performance
cli-sheet-months = Mois

# Column headers of the tables, each named by its machine header in lower case with dashes
# (see `output::header`); a unit in brackets follows as it is.
cli-col-id = id
cli-col-user = utilisateur
cli-col-name = nom
cli-col-role = rôle
cli-col-rep = commercial
cli-col-active = actif
cli-col-email = e-mail
cli-col-digest = synthèse
cli-col-language = langue
cli-col-scope = portée
cli-col-created-by = créé par
cli-col-created = créé le
cli-col-revoked = révoqué le
cli-col-when = quand
cli-col-who = qui
cli-col-what = quoi
cli-col-record = enregistrement
cli-col-why = pourquoi
cli-col-table = table
cli-col-rows = lignes
cli-col-logged = saisies
cli-col-completeness = complétude
cli-col-not-logging = sans saisie
cli-col-rank = rang
cli-col-cohort = cohorte
cli-col-customers = clients
cli-col-key = clé
cli-col-controllable = maîtrisable
cli-col-period = période
cli-col-customers-at-start = clients au début
cli-col-churned = perdus
cli-col-customer-churn = attrition clients
cli-col-annualised = annualisée
cli-col-band = niveau
cli-col-gross-mrr-churn = attrition brute du MRR
cli-col-net-mrr-churn = attrition nette du MRR
cli-col-grr = GRR
cli-col-nrr = NRR
cli-col-start-mrr = MRR au début
cli-col-new = nouveaux
cli-col-reactivation = réactivation
cli-col-expansion = expansion
cli-col-contraction = contraction
cli-col-churn-mrr = MRR perdu
cli-col-end-mrr = MRR à la fin
cli-col-quick-ratio = quick ratio
cli-col-uncontrollable = non maîtrisable
cli-col-currency = devise
cli-col-month = mois
cli-col-rate = taux
cli-col-into = en
cli-col-priority = priorité
cli-col-category = catégorie
cli-col-unit = unité
cli-col-owner = responsable
cli-col-capture = saisie
cli-col-version = version
cli-col-applied = appliquée le
cli-col-by = par
cli-col-changes = modifications
cli-col-day-one = dès le premier jour
cli-col-data-arriving = données reçues
cli-col-complete = complet
cli-col-coverage = couverture
cli-col-setup = mise en place
cli-col-alternatives = alternatives
cli-col-label = libellé
cli-col-start = début
cli-col-end = fin
cli-col-days = jours
cli-col-working-days = jours ouvrés
cli-col-region = région
cli-col-parent = équipe parente
cli-col-manager = manager
cli-col-title = fonction
cli-col-team = équipe
cli-col-hired = embauché le
cli-col-left = parti le
cli-col-e-mail = e-mail
cli-col-year = année
cli-col-status = statut
cli-col-approved-by = approuvé par
cli-col-copied-from = copié de
cli-col-tier = niveau d’objectif
cli-col-kpi = KPI
cli-col-level = niveau
cli-col-stage = étape
cli-col-lost = perdus
cli-col-customers-at-end = clients à la fin
cli-col-arr = ARR
cli-col-new-arr = nouvel ARR
cli-col-arr-at-end = ARR à la fin
cli-col-fiscal-month = mois fiscal
cli-col-index = indice
cli-col-actual = réalisé
cli-col-seasonally-adjusted = corrigé des variations saisonnières
cli-col-open-deals = affaires ouvertes
cli-col-open = ouvert
cli-col-weighted = pondéré
cli-col-pipeline = pipeline
cli-col-best-case = meilleur cas
cli-col-commit = engagé
cli-col-no-close-date = sans date de clôture
cli-col-closed-won = gagné
cli-col-line = ligne
cli-col-order = ordre
cli-col-kind = type
cli-col-probability = probabilité
cli-col-aliases = alias
cli-col-company = Entreprise
cli-col-tolerance = tolérance %
cli-col-quarter-target-to-date = objectif du trimestre à date
cli-col-ytd-target-to-date = objectif cumulé à date
cli-col-year-target = objectif annuel
cli-col-pace = rythme
cli-col-missing = manquant
cli-col-business = activité
cli-col-year-end-at-the-seasonal-pace = fin d’exercice au rythme saisonnier
cli-col-year-end-by-the-statistical-forecast = fin d’exercice selon la prévision statistique
cli-col-last-data = dernières données
cli-col-arriving = reçues
cli-col-won = gagné
cli-col-open-pipeline = pipeline ouvert
cli-col-still-to-reach = reste à atteindre
cli-col-to-date = à date
cli-col-target-to-date = objectif à date
cli-col-period-target = objectif de la période
cli-col-target = objectif
cli-col-raw = taux brut %
cli-col-credited = taux crédité %
cli-col-attained = atteint
cli-col-team-rank = rang dans l’équipe
cli-col-company-rank = rang dans l’entreprise
