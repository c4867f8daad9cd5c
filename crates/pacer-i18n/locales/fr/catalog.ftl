# Le catalogue des indicateurs (la page des KPI), le rapport de préparation et la page de saisie.

catalog-title = Catalogue des indicateurs
catalog-none = Aucun catalogue n’a encore été appliqué.
catalog-version = Version { $version }, appliquée le { $at } par { $by }.
catalog-readiness-link = Rapport de préparation
catalog-download = Télécharger metrics.toml
catalog-kpi = KPI
catalog-category = Catégorie
catalog-unit = Unité
catalog-owner = Responsable
catalog-capture = Collecte
catalog-tracked-since = Suivi depuis
catalog-key-title = La clé dans metrics.toml et l’API
catalog-better = ({ $direction ->
        [lower] plus bas
       *[higher] plus haut
    } est mieux)
catalog-ready-by = prêt le { $day }, { $days ->
        [one] { $days_shown } jour
       *[other] { $days_shown } jours
    } de mise en place
catalog-instead = à la place : { $kpis }
catalog-edit = Modifier un KPI
catalog-edit-help = Les modifications sont vérifiées comme un fichier et appliquées comme une nouvelle version, gardée dans le journal d’audit.
catalog-priority = Priorité
catalog-source = Source / processus
catalog-setup-days = Jours de mise en place
catalog-ready-by-label = Prêt le
catalog-alternatives = Alternatives (noms de KPI, séparés par des virgules)
catalog-description = Description
catalog-apply-file = Appliquer un fichier de catalogue
catalog-paste = Collez le catalogue ici (voir docs/metrics.md)
catalog-force = Appliquer même s’il ne définit aucun KPI (cela supprime tous les KPI)
catalog-check-apply = Vérifier et appliquer
catalog-versions = Versions
catalog-applied = Appliquée le
catalog-by = Par
catalog-why = Pourquoi
catalog-changes = Modifications de metrics.toml
catalog-not-applied = Le catalogue n’a pas été appliqué
    .title = Catalogue non appliqué
catalog-back = Retour au catalogue
catalog-applied-version = Version { $version } appliquée : { $diff }
catalog-unchanged = Inchangé : la version { $version } dit la même chose.
catalog-saved-version = Enregistré comme version { $version } : { $diff }
catalog-nothing-changed = Rien n’a changé.
catalog-setup-days-not-number = les jours de mise en place { $value } ne sont pas un nombre
catalog-ready-by-not-date = la date « prêt le » { $value } n’est pas une date
catalog-method-unknown = { $value } n’est pas l’un de automatic, manual, planned, unavailable

# Comment un KPI est collecté (les valeurs de metrics.toml restent automatic, manual, planned, unavailable).
catalog-method-automatic = automatique
catalog-method-manual = manuelle
catalog-method-planned = prévue
catalog-method-unavailable = indisponible
catalog-category-activity = activité
catalog-category-pipeline = pipeline
catalog-category-revenue = chiffre d’affaires
catalog-category-retention = fidélisation
catalog-category-expansion = développement
catalog-category-other = autre
catalog-unit-count = nombre
catalog-unit-currency = montant
catalog-unit-percent = pourcentage
catalog-unit-duration = durée

# Le rapport de préparation.
readiness-title = Préparation
readiness-heading = Préparation des KPI : { $fy }
readiness-window = Complétude de la saisie manuelle sur { $days ->
        [one] le dernier jour ouvré
       *[other] les { $days_shown } derniers jours ouvrés
    }.
readiness-day-one = Dès le premier jour ?
readiness-arriving = Données reçues
readiness-completeness = Complétude
readiness-coverage = Couverture de { $fy }
readiness-setup-left = Mise en place restante
readiness-instead = À la place
readiness-of = { $logged } sur { $active }
readiness-not-logging = sans saisie :
readiness-reps = { $count ->
        [one] { $shown } commercial
       *[other] { $shown } commerciaux
    }
readiness-days = { $count ->
        [one] { $shown } jour
       *[other] { $shown } jours
    }
readiness-ready-by = prêt le { $day }
readiness-yes = oui
readiness-with-setup = avec mise en place
readiness-no = non
readiness-last = oui, dernière le
readiness-silent = silencieux
readiness-since = depuis le
readiness-no-data = aucune donnée
readiness-capture-automatic = automatique depuis { $source }
readiness-capture-manual = manuelle : { $process }
readiness-capture-planned = prévue : { $count ->
        [one] { $days } jour
       *[other] { $days } jours
    } de mise en place
readiness-coverage-not-started = pas commencé
readiness-coverage-not-tracked = pas encore suivi
readiness-coverage-full = complète
readiness-coverage-partial = partielle : couvre { $tracked } mois sur { $elapsed } : pas une vision sur l’année entière

# La page de saisie.
logging-title = Saisie
logging-intro = « Si ce n’est pas dans le système, ça n’a pas eu lieu. » KPI manuels sur les 5 derniers jours ouvrés.
logging-manual-kpi = KPI manuel
logging-logged = Saisi
logging-not-logging = Sans saisie
logging-other-teams = (+{ $count } dans d’autres équipes)
logging-contest = Concours de saisie, du { $from } au { $to }
logging-rank = Rang
logging-rep = Commercial
logging-by-hand = Activités saisies à la main
