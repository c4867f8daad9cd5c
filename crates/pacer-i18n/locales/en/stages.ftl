# The pipeline stages settings (admins), and what the import and pipeline pages say of open
# deals in stages the settings do not map.

stages-title = Pipeline stages
stages-intro-1 = The stages of a deal in funnel order. Open stages place open deals in the pipeline by their probability and forecast category; won and lost stages let an import read a CRM's names (“Closed Won”) as a status. Names and aliases are matched ignoring case, spaces and punctuation, so
stages-intro-2 = is “Contract Sent”.
stages-unmapped = Open deals in stages not mapped
stages-unmapped-after = { $note }. They are in no pipeline figure until their stage is mapped.
stages-in-deals = Stage in the deals
stages-open-deals = Open deals
stages-amount = Amount ({ $currency })
stages-map-it = Map it
stages-alias-of = Add as alias of
stages-add = Add
stages-or-own = Or add them as stages of their own: these lines, placed in funnel order with their real probability and category.
stages-order = Order
stages-name = Name
stages-kind = Kind
stages-probability = Probability
stages-category = Category
stages-aliases = Aliases
stages-none = none
stages-edit = Edit the stages
stages-edit-one = One
stages-edit-per-stage = table per stage, in funnel order:
stages-edit-kind = ({ $open }, { $won } or { $lost }; open when left out),
stages-edit-probability = (0 to 100) and
stages-edit-category = ({ $pipeline }, { $best_case } or { $commit }) for open stages,
stages-edit-aliases = (CRM names).
stages-edit-same-file = The same file works with
stages-not-saved = Not saved: { $reason }
stages-check-save = Check and save
stages-no-change = No change: the stages are already these.
stages-saved = Saved: { $changes }
stages-kind-open = open
stages-kind-won = won
stages-kind-lost = lost
stages-category-pipeline = Pipeline
stages-category-best-case = Best case
stages-category-commit = Commit
stages-category-closed = Closed won
# "3 open deals in stages not mapped: $1,497,300.50 (Contract Sent: 2, Demo: 1)"
stages-unmapped-note = { $count ->
        [one] { $deals } open deal in a stage not mapped
       *[other] { $deals } open deals in stages not mapped
    }: { $amount } ({ $stages })
stages-unmapped-item = { $stage }: { $deals }
stages-pipeline-notice = , in no figure above.
stages-map-their = Map their stages
# "2 rows in stages not in the pipeline settings: Contract Sent (1), Demo (1); add them with …"
stages-import-note = { $count ->
        [one] { $rows } row in a stage not in the pipeline settings
       *[other] { $rows } rows in stages not in the pipeline settings
    }: { $stages }; add them with the Pipeline stages page (proposed lines below)
