//! Ready-made mappings for the exports of common CRMs, as they really come:
//! each preset lists, per target field, every header the export may give it
//! (English, French and German user locales; with or without id columns), and
//! is fitted to a file's header ([`Preset::fit`]). [`choose`] recognises the
//! export from its header when no preset is named, and [`propose`] writes a
//! mapping to edit for a header that no preset fits.

use super::{DateOrder, ImportKind, Mapping, RowError};
use std::collections::BTreeSet;
use std::fmt::Write as _;

type Pairs = &'static [(&'static str, &'static str)];

/// One target field of a preset: the headers that may feed it, in order of preference.
#[derive(Debug)]
struct Column {
    target: &'static str,
    headers: &'static [&'static str],
    /// Whether the export always has one of these headers (else the field is left empty).
    required: bool,
}

const fn req(target: &'static str, headers: &'static [&'static str]) -> Column {
    Column { target, headers, required: true }
}

const fn opt(target: &'static str, headers: &'static [&'static str]) -> Column {
    Column { target, headers, required: false }
}

/// A ready-made mapping for one kind of export.
#[derive(Debug)]
pub struct Preset {
    /// The name given to `--preset`.
    pub name: &'static str,
    /// What the files hold.
    pub kind: ImportKind,
    /// The export, in a few words (for messages and the import page).
    pub export: &'static str,
    source: &'static str,
    columns: &'static [Column],
    /// At least one of these headers must be there: what tells this export from the others of
    /// its kind (nothing more than the required columns when empty).
    signature: &'static [&'static str],
    /// Headers that only a day-first locale writes: when one is there, dates read day first.
    day_first: &'static [&'static str],
    defaults: Pairs,
    values: &'static [(&'static str, Pairs)],
    /// The generator's files write ISO dates.
    iso_dates: bool,
}

/// Why a preset does not fit a header: the fields it needs that no column feeds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Misfit {
    /// The preset.
    pub preset: &'static str,
    /// Each needed field with the headers that would feed it.
    pub missing: Vec<(&'static str, &'static [&'static str])>,
    /// Whether the header has one of the preset's signature columns (what makes it the closest).
    pub signed: bool,
}

impl Misfit {
    /// `salesforce-opportunities lacks close_date ("Close Date", "Date de clôture", ...)`.
    pub fn describe(&self) -> String {
        let fields: Vec<String> = self
            .missing
            .iter()
            .map(|(target, headers)| {
                let names: Vec<String> = headers.iter().map(|h| format!("{h:?}")).collect();
                format!("{target} (a column {})", names.join(" or "))
            })
            .collect();
        if fields.is_empty() {
            format!("{} does not recognise these columns", self.preset)
        } else {
            format!("{} lacks {}", self.preset, fields.join(", "))
        }
    }
}

/// Header cells compared as a user reads them: trimmed, any case, runs of spaces as one.
fn normalise(header: &str) -> String {
    header.trim_start_matches('\u{feff}').split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

impl Preset {
    /// A preset with no signature, defaults or translations, to build the others on.
    const fn base(
        name: &'static str,
        kind: ImportKind,
        export: &'static str,
        source: &'static str,
        columns: &'static [Column],
    ) -> Preset {
        Preset {
            name,
            kind,
            export,
            source,
            columns,
            signature: &[],
            day_first: &[],
            defaults: &[],
            values: &[],
            iso_dates: false,
        }
    }

    /// A file of Pacer's own data generator (`gen_activities.py`): its column names, ISO dates.
    const fn generator(
        name: &'static str,
        kind: ImportKind,
        export: &'static str,
        columns: &'static [Column],
    ) -> Preset {
        Preset { iso_dates: true, ..Preset::base(name, kind, export, "pacer", columns) }
    }

    /// The preset called `name`.
    pub fn named(name: &str) -> Option<&'static Preset> {
        PRESETS.iter().find(|p| p.name == name.trim())
    }

    /// The mapping of this preset for a file with this header: for each target field the first
    /// of its headers that the file has, the others it has as fallbacks (read when the first is
    /// empty), optional fields the file lacks left out.
    pub fn fit<S: AsRef<str>>(&'static self, header: &[S]) -> Result<Mapping, Misfit> {
        let present: Vec<(String, &str)> = header.iter().map(|h| (normalise(h.as_ref()), h.as_ref().trim())).collect();
        let find = |wanted: &str| {
            let wanted = normalise(wanted);
            present.iter().find(|(n, _)| *n == wanted).map(|(_, h)| h.trim_start_matches('\u{feff}').to_string())
        };
        let signed = self.signature.iter().any(|h| find(h).is_some());
        let mut mapping = Mapping {
            source: Some(self.source.to_string()),
            date_order: self.iso_dates.then_some(DateOrder::Iso),
            defaults: self.defaults.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            values: self
                .values
                .iter()
                .map(|(target, pairs)| {
                    (target.to_string(), pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
                })
                .collect(),
            ..Mapping::new(self.kind)
        };
        let mut missing = Vec::new();
        for column in self.columns {
            let mut found: Vec<String> = Vec::new();
            for h in column.headers {
                if let Some(h) = find(h).filter(|h| !found.contains(h)) {
                    found.push(h);
                }
            }
            let mut found = found.into_iter();
            match found.next() {
                Some(first) => {
                    mapping.columns.insert(column.target.to_string(), first);
                    let rest: Vec<String> = found.collect();
                    if !rest.is_empty() {
                        mapping.fallbacks.insert(column.target.to_string(), rest);
                    }
                }
                None if column.required => missing.push((column.target, column.headers)),
                None => {}
            }
        }
        if !missing.is_empty() || !(signed || self.signature.is_empty()) {
            return Err(Misfit { preset: self.name, missing, signed });
        }
        if mapping.date_order.is_none() && self.day_first.iter().any(|h| find(h).is_some()) {
            mapping.date_order = Some(DateOrder::DayFirst);
        }
        Ok(mapping)
    }

    /// The headers of which a file needs one for this preset to fit it (none: the required columns suffice).
    pub fn signature(&self) -> &'static [&'static str] {
        self.signature
    }

    /// The headers this preset reads, as the documentation lists them.
    pub fn headers(&self) -> impl Iterator<Item = (&'static str, &'static [&'static str], bool)> + '_ {
        self.columns.iter().map(|c| (c.target, c.headers, c.required))
    }
}

/// Every preset, in a stable order.
pub fn presets() -> &'static [Preset] {
    PRESETS
}

/// The names of every preset, in a stable order.
pub fn preset_names() -> Vec<&'static str> {
    PRESETS.iter().map(|p| p.name).collect()
}

/// How the mapping of a file is chosen.
#[derive(Debug, Clone)]
pub enum MappingChoice {
    /// A mapping written by the user: used as it is.
    Given(Mapping),
    /// A preset named by the user: fitted to the header.
    Preset(&'static Preset),
    /// Recognised from the header among the presets of this kind.
    Detect(ImportKind),
}

/// The mapping a file gets, and how it was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chosen {
    /// The mapping, fitted to the file's header.
    pub mapping: Mapping,
    /// The preset it comes from, if any.
    pub preset: Option<&'static str>,
    /// Whether the preset was recognised from the header rather than named.
    pub detected: bool,
}

impl Chosen {
    /// `preset hubspot-deals (recognised from the header)`, for summaries; `None` for a given mapping.
    pub fn describe(&self) -> Option<String> {
        let name = self.preset?;
        Some(if self.detected {
            format!("preset {name} (recognised from the header)")
        } else {
            format!("preset {name}")
        })
    }
}

impl MappingChoice {
    /// The kind of file this choice reads.
    pub fn kind(&self) -> ImportKind {
        match self {
            MappingChoice::Given(m) => m.kind,
            MappingChoice::Preset(p) => p.kind,
            MappingChoice::Detect(kind) => *kind,
        }
    }

    /// Whether `header` can be the file's header row: it has every column the choice needs.
    /// Used to find the header below the title lines a report export starts with.
    pub fn accepts<S: AsRef<str>>(&self, header: &[S]) -> bool {
        match self {
            MappingChoice::Given(m) => {
                let present: BTreeSet<String> = header.iter().map(|h| normalise(h.as_ref())).collect();
                let needed = m.columns.iter().filter(|(t, _)| !m.optional.contains(*t));
                let mut needed = needed.map(|(_, h)| normalise(h)).peekable();
                needed.peek().is_some() && needed.all(|h| present.contains(&h))
            }
            MappingChoice::Preset(p) => p.fit(header).is_ok(),
            MappingChoice::Detect(kind) => choose_preset(*kind, header).is_ok(),
        }
    }

    /// The mapping for a file with this header. A preset that does not fit, or a header that
    /// no preset fits, is a row-1 error naming the closest presets and what they lack.
    pub fn resolve<S: AsRef<str>>(&self, header: &[S]) -> Result<Chosen, Vec<RowError>> {
        let refuse = |reason: String| vec![RowError { row: 1, column: String::new(), value: String::new(), reason }];
        match self {
            MappingChoice::Given(m) => Ok(Chosen { mapping: m.clone(), preset: None, detected: false }),
            MappingChoice::Preset(p) => match p.fit(header) {
                Ok(mapping) => Ok(Chosen { mapping, preset: Some(p.name), detected: false }),
                Err(misfit) => Err(refuse(format!("the header does not fit: {}", misfit.describe()))),
            },
            MappingChoice::Detect(kind) => match choose_preset(*kind, header) {
                Ok((p, mapping)) => Ok(Chosen { mapping, preset: Some(p.name), detected: true }),
                Err(misfits) => {
                    let closest: Vec<String> = misfits.iter().take(3).map(Misfit::describe).collect();
                    let closest =
                        if closest.is_empty() { String::new() } else { format!("; closest: {}", closest.join("; ")) };
                    Err(refuse(format!(
                        "no preset for {kind} fits this header{closest}. Write a mapping (--write-mapping FILE \
                         proposes one) or name a preset"
                    )))
                }
            },
        }
    }
}

/// The preset of `kind` that fits `header` best (the most columns fed), or why none does,
/// closest first (signature columns found, then fewest fields missing).
pub fn choose_preset<S: AsRef<str>>(kind: ImportKind, header: &[S]) -> Result<(&'static Preset, Mapping), Vec<Misfit>> {
    let mut fits: Vec<(&'static Preset, Mapping)> = Vec::new();
    let mut misfits = Vec::new();
    for preset in PRESETS.iter().filter(|p| p.kind == kind) {
        match preset.fit(header) {
            Ok(m) => fits.push((preset, m)),
            Err(misfit) => misfits.push(misfit),
        }
    }
    // The most columns fed wins; among equals, the first listed.
    let fed = |m: &Mapping| m.columns.len() + m.fallbacks.values().map(Vec::len).sum::<usize>();
    if let Some(best) = fits.iter().map(|(_, m)| fed(m)).max() {
        let at = fits.iter().position(|(_, m)| fed(m) == best).unwrap_or(0);
        return Ok(fits.swap_remove(at));
    }
    misfits.sort_by_key(|m| (!m.signed, m.missing.len()));
    Err(misfits)
}

/// A mapping file to edit for a header that no preset fits: each target field of `kind` mapped
/// to the column whose header any preset reads for it (or that is named like it), the others left
/// as comments, and the file's unmapped columns listed, so the user only fills in the blanks.
pub fn propose<S: AsRef<str>>(kind: ImportKind, header: &[S]) -> String {
    let columns: Vec<&str> = header.iter().map(|h| h.as_ref().trim_start_matches('\u{feff}').trim()).collect();
    let known = |target: &str| -> Option<&str> {
        let names: Vec<String> = PRESETS
            .iter()
            .filter(|p| p.kind == kind)
            .flat_map(|p| p.columns.iter().filter(|c| c.target == target))
            .flat_map(|c| c.headers.iter().map(|h| normalise(h)))
            .chain([normalise(target), normalise(&target.replace('_', " "))])
            .collect();
        columns.iter().copied().find(|c| names.contains(&normalise(c)))
    };
    let mut out = format!(
        "# A mapping proposed by Pacer for a {kind} file: check each line, fill in the commented ones\n\
         # that the file can feed, then import with --mapping FILE. See docs/import.md.\n\
         kind = \"{kind}\"\n\n[columns]\n"
    );
    let mut used = BTreeSet::new();
    // A deal's kind gets a default below when no column says it.
    let defaulted = |target: &str| kind == ImportKind::Deals && target == "kind";
    for target in kind.target_fields() {
        match known(target).filter(|c| !used.contains(*c)) {
            Some(column) => {
                used.insert(column);
                let _ = writeln!(out, "{target} = {:?}", column);
            }
            None => {
                let need =
                    if kind.required_fields().contains(target) && !defaulted(target) { "  # required" } else { "" };
                let _ = writeln!(out, "# {target} = \"\"{need}");
            }
        }
    }
    let rest: Vec<String> =
        columns.iter().filter(|c| !c.is_empty() && !used.contains(*c)).map(|c| format!("{c:?}")).collect();
    if !rest.is_empty() {
        let _ = writeln!(out, "\n# Columns of the file not mapped: {}", rest.join(", "));
    }
    if matches!(kind, ImportKind::Deals) && known("kind").is_none() {
        out.push_str("\n[defaults]\nkind = \"new\"  # new, upsell, cross-sell or renewal when the file does not say\n");
    }
    out
}

/// Salesforce's opportunity types, in the English, French and German user locales.
const SALESFORCE_DEAL_KINDS: Pairs = &[
    ("New Business", "new"),
    ("New Customer", "new"),
    ("Existing Business", "upsell"),
    ("Existing Business - Upgrade", "upsell"),
    ("Existing Customer - Upgrade", "upsell"),
    ("Existing Business - Cross-Sell", "cross-sell"),
    ("Renewal", "renewal"),
    ("Existing Business - Renewal", "renewal"),
    ("Existing Customer - Replacement", "renewal"),
    ("Existing Customer - Downgrade", "renewal"),
    ("Nouvelle affaire", "new"),
    ("Nouveau client", "new"),
    ("Affaire existante", "upsell"),
    ("Client existant - Mise à niveau", "upsell"),
    ("Client existant - Remplacement", "renewal"),
    ("Renouvellement", "renewal"),
    ("Neues Geschäft", "new"),
    ("Neukunde", "new"),
    ("Bestehendes Geschäft", "upsell"),
    ("Bestehender Kunde - Upgrade", "upsell"),
    ("Bestehender Kunde - Ersatz", "renewal"),
    ("Verlängerung", "renewal"),
];

/// Salesforce's closed stages, in the three locales (other stages are open).
const SALESFORCE_CLOSED: Pairs = &[
    ("Closed Won", "won"),
    ("Closed Lost", "lost"),
    ("Fermée gagnée", "won"),
    ("Fermée perdue", "lost"),
    ("Geschlossen und gewonnen", "won"),
    ("Geschlossen und verloren", "lost"),
];

/// Salesforce's task subtypes and types, and events, in the three locales.
const SALESFORCE_ACTIVITY_TYPES: Pairs = &[
    ("Call", "call"),
    ("Email", "email"),
    ("List Email", "email"),
    ("Event", "meeting"),
    ("Meeting", "meeting"),
    ("Appel", "call"),
    ("E-mail", "email"),
    ("E-mail de liste", "email"),
    ("Événement", "meeting"),
    ("Réunion", "meeting"),
    ("Anruf", "call"),
    ("E-Mail", "email"),
    ("Listen-E-Mail", "email"),
    ("Ereignis", "meeting"),
    ("Besprechung", "meeting"),
];

const HUBSPOT_DEAL_KINDS: Pairs = &[
    ("newbusiness", "new"),
    ("New Business", "new"),
    ("existingbusiness", "upsell"),
    ("Existing Business", "upsell"),
    ("renewal", "renewal"),
];

const HUBSPOT_OWNER: &[&str] = &["Activity assigned to", "Activity owner", "HubSpot Owner"];
const HUBSPOT_COMPANY: &[&str] = &["Associated Company IDs", "Associated Company ID", "Associated Company"];

const PRESETS: &[Preset] = &[
    Preset {
        signature: &["Opportunity Owner", "Propriétaire de l'opportunité", "Opportunity-Inhaber"],
        day_first: &["Propriétaire de l'opportunité", "Opportunity-Inhaber"],
        defaults: &[("kind", "new")],
        values: &[("kind", SALESFORCE_DEAL_KINDS), ("status", SALESFORCE_CLOSED)],
        ..Preset::base(
            "salesforce-opportunities",
            ImportKind::Deals,
            "a Salesforce Opportunities report (English, French or German user locale)",
            "salesforce",
            &[
                opt(
                    "external_id",
                    &["Opportunity ID (18 Digit)", "Opportunity ID", "ID de l'opportunité", "Opportunity-ID"],
                ),
                req("rep", &["Opportunity Owner", "Propriétaire de l'opportunité", "Opportunity-Inhaber"]),
                // Without an account id column, the account is known by its name.
                req(
                    "account_id",
                    &[
                        "Account ID (18 Digit)",
                        "Account ID",
                        "ID du compte",
                        "Account-ID",
                        "Account Name",
                        "Nom du compte",
                        "Accountname",
                    ],
                ),
                req("close_date", &["Close Date", "Date de clôture", "Schlusstermin"]),
                opt("created_on", &["Created Date", "Date de création", "Erstellungsdatum", "Erstelldatum"]),
                req("amount", &["Amount", "Montant", "Betrag"]),
                opt(
                    "currency",
                    &["Opportunity Currency", "Amount Currency", "Devise de l'opportunité", "Opportunity-Währung"],
                ),
                req("stage", &["Stage", "Étape", "Phase"]),
                opt("kind", &["Type", "Type d'opportunité", "Typ"]),
            ],
        )
    },
    Preset {
        signature: &["Assigned", "Assigned To", "Assigné à", "Attribué à", "Zugewiesen", "Zugewiesen an"],
        day_first: &["Assigné à", "Attribué à", "Zugewiesen", "Zugewiesen an"],
        // An event has no subtype: it is a meeting.
        defaults: &[("type", "meeting")],
        values: &[("type", SALESFORCE_ACTIVITY_TYPES)],
        ..Preset::base(
            "salesforce-activities",
            ImportKind::Activities,
            "a Salesforce Tasks and Events (Activities) report (English, French or German user locale)",
            "salesforce",
            &[
                opt("external_id", &["Activity ID", "Task ID", "Event ID", "ID d'activité", "Aktivitäts-ID"]),
                req("rep", &["Assigned", "Assigned To", "Assigné à", "Attribué à", "Zugewiesen", "Zugewiesen an"]),
                req(
                    "occurred_at",
                    &[
                        "Date",
                        "Activity Date",
                        "Due Date",
                        "Start",
                        "Date de l'activité",
                        "Date d'échéance",
                        "Datum",
                        "Fälligkeitsdatum",
                    ],
                ),
                req(
                    "type",
                    &[
                        "Task Subtype",
                        "Activity Type",
                        "Type",
                        "Sous-type de tâche",
                        "Type d'activité",
                        "Aufgabenuntertyp",
                        "Aktivitätstyp",
                        "Typ",
                    ],
                ),
                opt(
                    "duration_minutes",
                    &["Duration (Minutes)", "Duration", "Durée (minutes)", "Durée", "Dauer (Minuten)", "Dauer"],
                ),
                opt(
                    "account_id",
                    &[
                        "Account ID",
                        "ID du compte",
                        "Account-ID",
                        "Company / Account",
                        "Société / Compte",
                        "Firma/Account",
                        "Account Name",
                    ],
                ),
            ],
        )
    },
    Preset {
        signature: &["Deal owner", "Deal Stage"],
        defaults: &[("kind", "new")],
        values: &[("kind", HUBSPOT_DEAL_KINDS), ("status", &[("closedwon", "won"), ("closedlost", "lost")])],
        ..Preset::base(
            "hubspot-deals",
            ImportKind::Deals,
            "a HubSpot deals export (the all-deals view or any saved view)",
            "hubspot",
            &[
                opt("external_id", &["Record ID", "Deal ID"]),
                req("rep", &["Deal owner"]),
                // Without an associated company, the deal is its own account.
                req(
                    "account_id",
                    &["Associated Company IDs", "Associated Company ID", "Associated Company", "Deal Name"],
                ),
                req("close_date", &["Close Date"]),
                opt("created_on", &["Create Date"]),
                req("amount", &["Amount"]),
                opt("currency", &["Currency", "Deal currency code"]),
                req("stage", &["Deal Stage"]),
                opt("kind", &["Deal Type"]),
            ],
        )
    },
    Preset {
        signature: &["Activity type"],
        values: &[(
            "type",
            &[
                ("CALL", "call"),
                ("EMAIL", "email"),
                ("INCOMING_EMAIL", "email"),
                ("FORWARDED_EMAIL", "email"),
                ("MEETING", "meeting"),
            ],
        )],
        ..Preset::base(
            "hubspot-activities",
            ImportKind::Activities,
            "a HubSpot activities export (one column says the activity type)",
            "hubspot",
            &[
                opt("external_id", &["Record ID", "Activity ID"]),
                req("rep", HUBSPOT_OWNER),
                req("occurred_at", &["Activity date"]),
                req("type", &["Activity type"]),
                opt("duration_seconds", &["Call duration (HH:mm:ss)", "Call duration"]),
                opt("account_id", HUBSPOT_COMPANY),
            ],
        )
    },
    Preset {
        signature: &["Call Title", "Call outcome", "Call direction", "Call notes", "Call duration"],
        defaults: &[("type", "call")],
        ..Preset::base(
            "hubspot-calls",
            ImportKind::Activities,
            "a HubSpot calls export",
            "hubspot",
            &[
                opt("external_id", &["Record ID"]),
                req("rep", HUBSPOT_OWNER),
                req("occurred_at", &["Activity date", "Call date"]),
                opt("duration_seconds", &["Call duration (HH:mm:ss)", "Call duration"]),
                opt("account_id", HUBSPOT_COMPANY),
            ],
        )
    },
    Preset {
        signature: &["Meeting name", "Meeting outcome", "Meeting start time", "Meeting location"],
        defaults: &[("type", "meeting")],
        ..Preset::base(
            "hubspot-meetings",
            ImportKind::Activities,
            "a HubSpot meetings export",
            "hubspot",
            &[
                opt("external_id", &["Record ID"]),
                req("rep", HUBSPOT_OWNER),
                req("occurred_at", &["Meeting start time", "Activity date"]),
                opt("account_id", HUBSPOT_COMPANY),
            ],
        )
    },
    Preset {
        signature: &["Email subject", "Email direction", "Email send status", "Email status"],
        defaults: &[("type", "email")],
        ..Preset::base(
            "hubspot-emails",
            ImportKind::Activities,
            "a HubSpot e-mails export",
            "hubspot",
            &[
                opt("external_id", &["Record ID"]),
                req("rep", HUBSPOT_OWNER),
                req("occurred_at", &["Activity date", "Email send date"]),
                opt("account_id", HUBSPOT_COMPANY),
            ],
        )
    },
    Preset {
        signature: &["Deal - Value", "Value"],
        defaults: &[("kind", "new")],
        ..Preset::base(
            "pipedrive-deals",
            ImportKind::Deals,
            "a Pipedrive deals export (headers with or without the \"Deal - \" prefix)",
            "pipedrive",
            &[
                opt("external_id", &["Deal - ID", "ID"]),
                req("rep", &["Deal - Owner", "Owner"]),
                // Without an organisation, the deal is its own account.
                req("account_id", &["Deal - Organization", "Organization", "Deal - Title", "Title"]),
                // Closed deals have their won or lost time; open ones only the expected day.
                req(
                    "close_date",
                    &[
                        "Deal - Won time",
                        "Won time",
                        "Deal - Lost time",
                        "Lost time",
                        "Deal - Expected close date",
                        "Expected close date",
                    ],
                ),
                opt("created_on", &["Deal - Deal created", "Deal created"]),
                req("amount", &["Deal - Value", "Value"]),
                opt("currency", &["Deal - Currency", "Currency"]),
                opt("status", &["Deal - Status", "Status"]),
                req("stage", &["Deal - Stage", "Stage"]),
            ],
        )
    },
    Preset {
        signature: &["Activity - Assigned to user", "Assigned to user", "Activity - Owner"],
        values: &[("type", &[("Call", "call"), ("Email", "email"), ("Meeting", "meeting")])],
        ..Preset::base(
            "pipedrive-activities",
            ImportKind::Activities,
            "a Pipedrive activities export (headers with or without the \"Activity - \" prefix)",
            "pipedrive",
            &[
                opt("external_id", &["Activity - ID", "ID"]),
                req("rep", &["Activity - Assigned to user", "Assigned to user", "Activity - Owner"]),
                req("occurred_at", &["Activity - Due date", "Due date"]),
                req("type", &["Activity - Type", "Type"]),
                opt("account_id", &["Activity - Organization", "Organization"]),
            ],
        )
    },
    // The files of Pacer's own data generator (`gen_activities.py`).
    Preset::generator(
        "pacer-teams",
        ImportKind::Teams,
        "the generator's reps.csv, read for its teams (one row per rep: a team repeats)",
        &[req("name", &["team"]), req("region", &["region"])],
    ),
    Preset::generator(
        "pacer-reps",
        ImportKind::Reps,
        "the generator's reps.csv (rep_id,name,team,region,hire_date)",
        &[
            req("external_id", &["rep_id"]),
            req("name", &["name"]),
            req("team", &["team"]),
            req("hire_date", &["hire_date"]),
        ],
    ),
    Preset::generator(
        "pacer-activities",
        ImportKind::Activities,
        "the generator's activities.csv",
        &[
            req("external_id", &["activity_id"]),
            req("rep", &["rep_id"]),
            req("occurred_at", &["occurred_at"]),
            req("type", &["type"]),
            req("duration_seconds", &["duration_s"]),
            req("account_id", &["account_id"]),
        ],
    ),
    Preset {
        defaults: &[("kind", "new")],
        ..Preset::generator(
            "pacer-deals",
            ImportKind::Deals,
            "the generator's deals.csv (kind new, as the file does not say)",
            &[
                req("external_id", &["deal_id"]),
                req("rep", &["rep_id"]),
                req("account_id", &["account_id"]),
                req("close_date", &["closed_at"]),
                req("amount_minor", &["amount_cents"]),
                req("stage", &["stage"]),
            ],
        )
    },
    Preset::generator(
        "pacer-subscriptions",
        ImportKind::Subscriptions,
        "the generator's subscriptions.csv",
        &[req("account_id", &["account_id"]), req("month", &["month"]), req("mrr_minor", &["mrr_cents"])],
    ),
];
