# Le journal d’audit (directeurs et administrateurs), et la confirmation d’un changement
# irréversible, dont le journal garde le motif.

audit-title = Journal d’audit
audit-intro = Chaque modification de l’organisation, des utilisateurs, des jetons, du catalogue et des plans : qui, quand, quoi et pourquoi. Rien ici ne peut être modifié.
audit-who = Qui
audit-anyone = Tout le monde
audit-record-kind = Type d’enregistrement
audit-any = Tous
audit-since = Depuis le
audit-filter = Filtrer
audit-only-one = Seulement les modifications de cet enregistrement ({ $kind }) :
audit-show-all = Afficher toutes les modifications
audit-when = Quand (UTC)
audit-what = Quoi
audit-record = Enregistrement
audit-why = Pourquoi
audit-change = Modification
audit-before-after = avant / après
audit-before = Avant :
audit-after = Après :
audit-history = (historique)
    .title = Seulement les modifications de cet enregistrement
audit-token = Jeton d’API { $name }
audit-command-line = La ligne de commande
audit-account = compte { $id }
# Le motif qu’un formulaire demande, gardé dans le journal d’audit.
audit-reason = Motif (journal d’audit)

# Le type d’enregistrement qu’une entrée a modifié.
audit-kind-organisation = Paramètres de l’organisation
audit-kind-team = Équipe
audit-kind-rep = Commercial
audit-kind-user = Utilisateur
audit-kind-token = Jeton d’API
audit-kind-catalog = Catalogue des KPI
audit-kind-churn-event = Perte de client
audit-kind-plan = Plan
audit-kind-review = Revue trimestrielle
audit-kind-fx-rate = Taux de change
audit-kind-import = Import de fichier
audit-kind-activities = Activités
audit-kind-deals = Affaires
audit-kind-subscriptions = Revenu récurrent
audit-kind-database = Base de données

# Ce qu’une modification a fait.
audit-action-organisation-save = Paramètres de l’organisation enregistrés
audit-action-team-create = Équipe créée
audit-action-team-update = Équipe modifiée
audit-action-team-deactivate = Équipe désactivée
audit-action-rep-create = Commercial ajouté
audit-action-rep-update = Commercial modifié
audit-action-rep-move = Commercial changé d’équipe
audit-action-user-create = Utilisateur créé
audit-action-user-update = Utilisateur modifié
audit-action-user-password = Mot de passe changé
audit-action-token-create = Jeton d’API créé
audit-action-token-revoke = Jeton d’API révoqué
audit-action-catalog-apply = Catalogue des KPI appliqué
audit-action-churn-tag = Motif d’attrition renseigné
audit-action-plan-create = Plan créé
audit-action-plan-settings = Paramètres du plan modifiés
audit-action-plan-status = Statut du plan modifié
audit-action-plan-copy = Plan copié
audit-action-plan-targets-put = Objectifs du plan modifiés
audit-action-plan-target-set = Un objectif du plan modifié
audit-action-review-open = Revue ouverte
audit-action-review-close = Revue clôturée et ses chiffres figés
audit-action-review-note = Note ajoutée à une revue
audit-action-fx-rate-set = Taux de change définis
audit-action-fx-rate-delete = Taux de change supprimé
audit-action-records-import = Fichier importé
audit-action-activities-write = Activités enregistrées
audit-action-activities-delete = Activités supprimées
audit-action-deals-write = Affaires enregistrées
audit-action-deals-delete = Affaires supprimées
audit-action-subscriptions-write = Revenu récurrent enregistré
audit-action-restore = Base de données restaurée depuis une sauvegarde

# Confirmer un changement irréversible (approuver un plan, clôturer une revue).
confirm-reason = Motif (gardé dans le journal d’audit, facultatif)
confirm-nothing-yet = Rien n’a encore changé.
confirm-go-back = Revenir sans rien changer
