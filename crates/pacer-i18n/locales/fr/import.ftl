# La page d’import (administrateurs) : envoi, aperçu, résultat ; les motifs des lignes refusées
# sont ceux de l’analyseur d’import.

import-title = Importation
import-heading = Importer un fichier
import-intro = CSV (tout séparateur ; UTF-8, UTF-16 ou Windows-1252, détecté) ou XLSX, tel qu’exporté du CRM : l’export est reconnu à son en-tête, et le titre, les totaux et le pied de page d’un rapport sont écartés (et listés). Vous verrez les premières lignes et chaque problème avant que quoi que ce soit ne soit écrit. Voir docs/import.md.
import-kind = Contenu du fichier
import-kind-reps = commerciaux
import-kind-teams = équipes
import-kind-activities = activités
import-kind-deals = affaires
import-kind-subscriptions = abonnements
import-preset = Préréglage
import-preset-none = (le reconnaître à l’en-tête, ou la correspondance ci-dessous)
import-mapping = Correspondance (TOML), à la place d’un préréglage
import-date-order = Les dates comme 03/04/2026 se lisent
import-date-ask = (demander en cas d’ambiguïté)
import-month-first = mois d’abord (États-Unis)
import-day-first = jour d’abord (Europe)
import-encoding = Encodage (CSV)
import-encoding-placeholder = détecté (par ex. windows-1252, utf-16le)
import-sheet = Feuille (XLSX)
import-sheet-placeholder = première feuille
import-file = Fichier
import-preview = Aperçu
import-preview-title = Aperçu de l’import
import-preview-heading = Aperçu : { $file }
import-counts = { $rows_count ->
        [one] { $rows } ligne
       *[other] { $rows } lignes
    } ; { $good_count ->
        [one] { $good } prête
       *[other] { $good } prêtes
    }, { $rejected } avec des problèmes. Rien n’a encore été écrit.
import-read-as = lu comme { $encoding }
import-delimiter = séparateur { $delimiter }
import-tab = tabulation
import-report-rows = { $count ->
        [one] { $count } ligne de rapport écartée
       *[other] { $count } lignes de rapport écartées
    } (titre, totaux ou pied de page) : { $rows }
import-report-row = ligne { $row } { $text }
import-keyed-by-content = Le fichier n’a pas de colonne d’identifiant : chaque enregistrement est identifié par son contenu, et l’importer à nouveau ne change rien.
import-no-amount = { $count ->
        [one] 1 affaire ouverte n’a pas de montant ; elle compte pour 0 dans le pipeline jusqu’à ce que le CRM en donne un
       *[other] { $deals } affaires ouvertes n’ont pas de montant ; elles comptent pour 0 dans le pipeline jusqu’à ce que le CRM en donne un
    }
import-no-close-date = { $count ->
        [one] 1 affaire ouverte n’a pas de date de clôture ; elle est dans le pipeline sous « sans date de clôture » et dans la prévision d’aucune période
       *[other] { $deals } affaires ouvertes n’ont pas de date de clôture ; elles sont dans le pipeline sous « sans date de clôture » et dans la prévision d’aucune période
    }
import-first-rows = Premières lignes
import-row = Ligne
import-status = Statut
import-problem = problème
import-ok = ok
import-problems = Problèmes
import-column = Colonne
import-value = Valeur
import-reason = Motif
import-more = … et { $count } de plus.
import-skip-invalid = Importer les bonnes lignes et écarter les autres
import-import = Importer
import-start-over = Recommencer
import-rows-with-problems = { $count ->
        [one] { $rows } ligne a des problèmes : rien n’a été importé
       *[other] { $rows } lignes ont des problèmes : rien n’a été importé
    }
import-done-title = Importé
import-done-heading = { $file } importé
import-done-counts = Nouveaux : { $new }, mis à jour : { $updated }, inchangés : { $unchanged }, écartés : { $rejected }.
import-download-rejects = Télécharger les lignes écartées, avec leurs motifs
import-another = Importer un autre fichier
import-columns = Ses colonnes : { $columns }.
import-to-finish = Une correspondance à compléter
import-to-finish-help = Pacer a associé les colonnes qu’il a reconnues ; complétez les lignes commentées (commençant par #) que le fichier peut alimenter, puis relancez l’aperçu. Voir docs/import.md.
import-mapping-toml = Correspondance (TOML)
import-preview-again = Relancer l’aperçu
import-choose-file = choisissez un fichier à importer
import-upload-unreadable = l’envoi est illisible : { $reason }
import-file-unreadable = le fichier est illisible : { $reason }
import-file-lost = le fichier s’est perdu en route : envoyez-le à nouveau
import-mapping-error = correspondance : { $reason }
import-unknown-preset = préréglage inconnu { $name }
import-mapping-kind = la correspondance est pour { $mapping }, pas pour { $kind }
