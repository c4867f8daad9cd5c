# The audit log (leaders and admins), and the confirmation of a change that cannot be undone,
# whose reason the log keeps.

audit-title = Audit log
audit-intro = Every change to the organisation, users, tokens, the catalog and plans: who, when, what and why. Nothing here can be edited.
audit-who = Who
audit-anyone = Anyone
audit-record-kind = Record kind
audit-any = Any
audit-since = Since
audit-filter = Filter
audit-only-one = Only the changes to one { $kind }:
audit-show-all = Show every change
audit-when = When (UTC)
audit-what = What
audit-record = Record
audit-why = Why
audit-change = Change
audit-before-after = before / after
audit-before = Before:
audit-after = After:
audit-history = (history)
    .title = Only the changes to this record
audit-token = API token { $name }
audit-command-line = The command line
audit-account = account { $id }
# The reason a form asks for, kept in the audit log.
audit-reason = Reason (audit log)

# What kind of record an entry changed.
audit-kind-organisation = Organisation settings
audit-kind-team = Team
audit-kind-rep = Rep
audit-kind-user = User
audit-kind-token = API token
audit-kind-catalog = KPI catalog
audit-kind-churn-event = Churn event
audit-kind-plan = Plan
audit-kind-review = Quarterly review
audit-kind-fx-rate = Exchange rate
audit-kind-import = File import
audit-kind-activities = Activities
audit-kind-deals = Deals
audit-kind-subscriptions = Recurring revenue
audit-kind-database = Database

# What a change did.
audit-action-organisation-save = Organisation settings saved
audit-action-team-create = Team created
audit-action-team-update = Team changed
audit-action-team-deactivate = Team deactivated
audit-action-rep-create = Rep added
audit-action-rep-update = Rep changed
audit-action-rep-move = Rep moved to another team
audit-action-user-create = User created
audit-action-user-update = User changed
audit-action-user-password = Password changed
audit-action-token-create = API token created
audit-action-token-revoke = API token revoked
audit-action-catalog-apply = KPI catalog applied
audit-action-churn-tag = Churn reason tagged
audit-action-plan-create = Plan created
audit-action-plan-settings = Plan settings changed
audit-action-plan-status = Plan status changed
audit-action-plan-copy = Plan copied
audit-action-plan-targets-put = Plan targets changed
audit-action-plan-target-set = A plan target changed
audit-action-review-open = Review opened
audit-action-review-close = Review closed and its figures frozen
audit-action-review-note = Note added to a review
audit-action-fx-rate-set = Exchange rates set
audit-action-fx-rate-delete = Exchange rate removed
audit-action-records-import = File imported
audit-action-activities-write = Activities recorded
audit-action-activities-delete = Activities deleted
audit-action-deals-write = Deals recorded
audit-action-deals-delete = Deals deleted
audit-action-subscriptions-write = Recurring revenue recorded
audit-action-restore = Database restored from a backup

# Confirming a change that cannot be undone (approving a plan, closing a review).
confirm-reason = Reason (kept in the audit log, optional)
confirm-nothing-yet = Nothing has changed yet.
confirm-go-back = Go back without changing anything
