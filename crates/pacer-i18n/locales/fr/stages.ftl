# Les étapes du pipeline (administrateurs), et ce que les pages d’import et de pipeline disent
# des affaires ouvertes à des étapes que les paramètres ne connaissent pas.

stages-title = Étapes du pipeline
stages-intro-1 = Les étapes d’une affaire, dans l’ordre de l’entonnoir. Les étapes ouvertes placent les affaires ouvertes dans le pipeline selon leur probabilité et leur catégorie de prévision ; les étapes gagnées et perdues permettent à un import de lire les noms d’un CRM (« Closed Won ») comme un statut. Noms et alias sont comparés sans tenir compte de la casse, des espaces ni de la ponctuation : ainsi
stages-intro-2 = est « Contract Sent ».
stages-unmapped = Affaires ouvertes à des étapes non reconnues
stages-unmapped-after = { $note }. Elles ne comptent dans aucun chiffre du pipeline tant que leur étape n’est pas reconnue.
stages-in-deals = Étape dans les affaires
stages-open-deals = Affaires ouvertes
stages-amount = Montant ({ $currency })
stages-map-it = L’associer
stages-alias-of = Ajouter comme alias de
stages-add = Ajouter
stages-or-own = Ou ajoutez-les comme étapes à part entière : ces lignes, placées dans l’ordre de l’entonnoir avec leur vraie probabilité et leur catégorie.
stages-order = Ordre
stages-name = Nom
stages-kind = Type
stages-probability = Probabilité
stages-category = Catégorie
stages-aliases = Alias
stages-none = aucune
stages-edit = Modifier les étapes
stages-edit-one = Une table
stages-edit-per-stage = par étape, dans l’ordre de l’entonnoir :
stages-edit-kind = ({ $open }, { $won } ou { $lost } ; open si absent),
stages-edit-probability = (de 0 à 100) et
stages-edit-category = ({ $pipeline }, { $best_case } ou { $commit }) pour les étapes ouvertes,
stages-edit-aliases = (noms du CRM).
stages-edit-same-file = Le même fichier fonctionne avec
stages-not-saved = Non enregistré : { $reason }
stages-check-save = Vérifier et enregistrer
stages-no-change = Aucun changement : les étapes sont déjà celles-ci.
stages-saved = Enregistré : { $changes }
stages-kind-open = ouverte
stages-kind-won = gagnée
stages-kind-lost = perdue
stages-category-pipeline = Pipeline
stages-category-best-case = Meilleur cas
stages-category-commit = Engagé
stages-category-closed = Gagné
# « 3 affaires ouvertes à des étapes non reconnues : 1 497 300,50 $ (Contract Sent : 2, Demo : 1) »
stages-unmapped-note = { $count ->
        [one] { $deals } affaire ouverte à une étape non reconnue
       *[other] { $deals } affaires ouvertes à des étapes non reconnues
    } : { $amount } ({ $stages })
stages-unmapped-item = { $stage } : { $deals }
stages-pipeline-notice = , dans aucun chiffre ci-dessus.
stages-map-their = Associer leurs étapes
# « 2 lignes à des étapes absentes des paramètres du pipeline : Contract Sent (1), Demo (1) ; ajoutez-les … »
stages-import-note = { $count ->
        [one] { $rows } ligne à une étape absente des paramètres du pipeline
       *[other] { $rows } lignes à des étapes absentes des paramètres du pipeline
    } : { $stages } ; ajoutez-les avec la page Étapes du pipeline (lignes proposées ci-dessous)
