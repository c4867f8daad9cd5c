# Classeurs : le classeur d’un plan (sa feuille « À propos », ses en-têtes, les types de
# titulaires), et les noms de feuilles et en-têtes des tableaux téléchargés en XLSX. Le CSV garde
# les en-têtes machine.

xlsx-plan-about = À propos
xlsx-plan-owner-kind = Type de titulaire
xlsx-plan-owner-id = Id du titulaire
xlsx-plan-owner = Titulaire
xlsx-plan-tier = Niveau
xlsx-plan-year = Exercice
xlsx-plan-kind-company = entreprise
xlsx-plan-kind-team = équipe
xlsx-plan-kind-rep = commercial
xlsx-about-plan = Plan
xlsx-about-plan-id = Id du plan
xlsx-about-fiscal-year = Exercice fiscal
xlsx-about-fiscal-year-value = { $year } (du { $from } au { $to })
xlsx-about-version = Version
xlsx-about-status = Statut
xlsx-about-exported = Exporté le
xlsx-about-how = Comment modifier
xlsx-about-how-cells = Modifiez uniquement les cellules des mois : ce sont les seules que les feuilles laissent modifier.
xlsx-about-how-year = Exercice est une formule (la somme des mois) ; elle suit les mois.
xlsx-about-how-money-whole = Les montants sont en { $currency }, entiers (cette devise n’a pas de décimales) ; les nombres sont entiers ; aucun montant n’est négatif.
xlsx-about-how-money = Les montants sont en { $currency } avec au plus { $places } décimales ; les nombres sont entiers ; aucun montant n’est négatif.
xlsx-about-how-owner = Type de titulaire, Id du titulaire et Niveau disent à qui est l’objectif d’une ligne ; Titulaire est le nom, pour la lecture.
xlsx-about-how-columns = N’ajoutez ni mois ni colonnes : un plan a les 12 mois de l’exercice fiscal.
xlsx-about-import = Import
xlsx-about-import-how = Envoyez-le depuis la page du plan, ou pacer plan import PLAN FICHIER.xlsx, ou PUT /api/v1/plans/PLAN/xlsx (brouillons uniquement).
xlsx-about-import-checked = Chaque cellule est vérifiée et chaque problème listé ; rien n’est écrit si tout n’est pas valide.
xlsx-about-import-replaces = Chaque feuille de KPI remplace les objectifs de ce KPI ; les KPI sans feuille restent tels quels.
xlsx-about-sheet = Feuille { $sheet }
xlsx-about-sheet-value = { $kpi }, en { $unit }
xlsx-about-money = { $currency } (montant)
xlsx-about-count = nombre
xlsx-about-not-exported = Non exporté
xlsx-about-left-out = { $key } : n’est plus dans le catalogue des indicateurs

# Tableaux téléchargés en classeur : noms de feuilles (xlsx-sheet-…) et en-têtes de colonnes
# (xlsx-col-…), chacun nommé par son texte anglais en minuscules avec des tirets.
xlsx-sheet-summary = Synthèse
xlsx-sheet-data-gaps = Lacunes de données
xlsx-sheet-notes = Notes
xlsx-col-kpi = KPI
xlsx-col-team-or-rep = Équipe ou commercial
xlsx-col-quarter-target = objectif du trimestre
xlsx-col-quarter-actual = réalisé du trimestre
xlsx-col-quarter-raw = atteinte brute du trimestre %
xlsx-col-quarter-credited = atteinte créditée du trimestre %
xlsx-col-quarter-attained = trimestre atteint
xlsx-col-quarter-variance = écart du trimestre
xlsx-col-ytd-target = objectif cumulé
xlsx-col-ytd-actual = réalisé cumulé
xlsx-col-ytd-raw = atteinte brute cumulée %
xlsx-col-ytd-credited = atteinte créditée cumulée %
xlsx-col-ytd-attained = cumul atteint
xlsx-col-ytd-variance = écart cumulé
xlsx-col-annual-target = objectif annuel
xlsx-col-projected-year-end = fin d’exercice projetée
xlsx-col-pace = rythme %
xlsx-col-pipeline-coverage = couverture du pipeline
xlsx-col-partial = partiel
xlsx-col-kind = type
xlsx-col-what = constat
xlsx-col-what-to-do = que faire
xlsx-col-reps = commerciaux
xlsx-col-about = sujet
xlsx-col-note = note
xlsx-col-by = par
xlsx-col-at = le
