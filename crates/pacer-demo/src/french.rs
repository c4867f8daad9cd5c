//! The demo organisation as a French-speaking company (`pacer demo --lang fr`): the same people,
//! accounts and history, with its name, currency, teams, catalog and churn reasons in French.
//! Only the words change: every figure is the English demo's.

use crate::DemoOrg;
use pacer_core::language::Language;
use pacer_core::money::Currency;

/// The French names of the demo's teams, by their English names.
const TEAMS: [(&str, &str); 7] = [
    ("Americas", "Amériques"),
    ("NA Enterprise", "Amérique du Nord Grands comptes"),
    ("NA Mid-Market", "Amérique du Nord ETI"),
    ("LATAM", "Amérique latine"),
    ("EMEA", "EMEA"),
    ("EMEA North", "EMEA Nord"),
    ("EMEA South", "EMEA Sud"),
];

/// The French of the demo's job titles.
const TITLES: [(&str, &str); 5] = [
    ("Sales Director", "Directeur commercial"),
    ("Sales Manager", "Responsable des ventes"),
    ("Senior Account Executive", "Ingénieur commercial senior"),
    ("Account Executive", "Ingénieur commercial"),
    ("SDR", "Chargé de prospection"),
];

/// The French of the catalog's words for people (names, descriptions, owners, sources,
/// processes); keys, kinds and units are machine words and stay.
const CATALOG: [(&str, &str); 37] = [
    ("\"Time spent selling vs. in the CRM\"", "\"Temps de vente et temps passé dans le CRM\""),
    ("\"Customers at events\"", "\"Clients présents aux événements\""),
    (
        "\"Expansion metric for the next stage: customers who attend our events.\"",
        "\"Indicateur d’expansion de la prochaine étape : les clients qui assistent à nos événements.\"",
    ),
    ("\"Connect rate\"", "\"Taux de joignabilité\""),
    ("\"Connected calls\"", "\"Appels aboutis\""),
    (
        "\"Calls that reached a person. The telephony integration reports outcomes only since it was connected: calls before then are not comparable.\"",
        "\"Appels ayant joint une personne. L’intégration téléphonique ne remonte les résultats que depuis sa mise en service : les appels antérieurs ne sont pas comparables.\"",
    ),
    ("\"Product demos\"", "\"Démonstrations produit\""),
    ("\"Meetings held\"", "\"Rendez-vous tenus\""),
    ("\"E-mails sent\"", "\"E-mails envoyés\""),
    ("\"Calls made\"", "\"Appels passés\""),
    (
        "\"Every call, logged by the rep in the quick-log form.\"",
        "\"Chaque appel, saisi par le commercial dans le formulaire de saisie rapide.\"",
    ),
    ("\"New deals won\"", "\"Nouvelles affaires gagnées\""),
    ("\"Renewals won\"", "\"Renouvellements gagnés\""),
    ("\"Net revenue retention\"", "\"Rétention nette du revenu\""),
    ("\"Customer churn rate\"", "\"Taux d’attrition clients\""),
    (
        "\"Customers of the start cohort who stopped paying. 5-7% a year is normal for SaaS.\"",
        "\"Clients de la cohorte de départ qui ont cessé de payer. 5 à 7 % par an est normal pour un SaaS.\"",
    ),
    ("\"Expansion won\"", "\"Expansion gagnée\""),
    (
        "\"Upsell and cross-sell to existing customers.\"",
        "\"Montée en gamme et ventes croisées auprès des clients existants.\"",
    ),
    ("\"New business won\"", "\"Nouveau chiffre d’affaires gagné\""),
    (
        "\"Revenue growth comes first: annual contract value of deals won with new customers.\"",
        "\"La croissance du chiffre d’affaires d’abord : valeur annuelle des contrats gagnés auprès de nouveaux clients.\"",
    ),
    ("\"Event attendance\"", "\"Participation à un événement\""),
    ("\"Product demo\"", "\"Démonstration produit\""),
    ("\"Meeting\"", "\"Rendez-vous\""),
    ("\"E-mail\"", "\"E-mail\""),
    ("\"Call\"", "\"Appel\""),
    ("\"Outcome\"", "\"Résultat\""),
    ("\"Head of Customer Success\"", "\"Responsable de la réussite client\""),
    ("\"Marketing\"", "\"Marketing\""),
    ("\"Sales managers\"", "\"Managers commerciaux\""),
    ("\"Sales ops\"", "\"Opérations commerciales\""),
    ("\"VP Sales\"", "\"Directeur des ventes\""),
    ("\"Billing system\"", "\"Système de facturation\""),
    ("\"CRM opportunities (nightly sync)\"", "\"Opportunités du CRM (synchronisation nocturne)\""),
    ("\"Mail integration\"", "\"Intégration de la messagerie\""),
    ("\"Telephony integration\"", "\"Intégration téléphonique\""),
    ("\"no tool measures time spent in the CRM\"", "\"aucun outil ne mesure le temps passé dans le CRM\""),
    (
        "\"Badge scans imported into the CRM after each event\"",
        "\"Badges scannés importés dans le CRM après chaque événement\"",
    ),
];

/// The French of the processes the catalog describes.
const PROCESSES: [(&str, &str); 3] = [
    (
        "\"Reps log demos after they happen.\"",
        "\"Les commerciaux saisissent les démonstrations après les avoir faites.\"",
    ),
    (
        "\"Reps log each call in Pacer's quick log the same day; managers check the completeness report every Monday.\"",
        "\"Les commerciaux saisissent chaque appel le jour même dans la saisie rapide de Pacer ; les managers vérifient le rapport de complétude chaque lundi.\"",
    ),
    (
        "\"Reps log meetings after they happen.\"",
        "\"Les commerciaux saisissent les rendez-vous après les avoir tenus.\"",
    ),
];

/// The French of the default churn reasons, by key.
const CHURN_REASONS: [(&str, &str); 7] = [
    ("bankruptcy", "Faillite ou fermeture"),
    ("acquired", "Racheté par une autre entreprise"),
    ("budget_cut", "Coupe budgétaire"),
    ("returned_unused", "Produit rendu sans avoir servi"),
    ("competitor", "Parti chez un concurrent"),
    ("price", "Prix"),
    ("support", "Service ou support"),
];

fn french<'a>(table: &[(&str, &'a str)], english: &str) -> Option<&'a str> {
    table.iter().find(|(en, _)| *en == english).map(|(_, fr)| *fr)
}

/// The organisation as it speaks `language`: for French, a French company whose people read
/// Pacer in French, in euros.
pub fn speak(org: &mut DemoOrg, language: Language) {
    if language != Language::French {
        return;
    }
    let euro = Currency::parse("EUR").expect("EUR is a valid code");
    let o = &mut org.organisation;
    o.name = "Nordvent Logiciels".into();
    o.currency = euro;
    o.language = Some(Language::French);
    o.time_zone = "Europe/Paris".parse().expect("a known time zone");
    for reason in &mut o.churn_reasons {
        if let Some(name) = french(&CHURN_REASONS, &reason.key) {
            reason.name = name.into();
        }
    }
    for team in &mut org.teams {
        if let Some(name) = french(&TEAMS, &team.name) {
            team.name = name.into();
        }
    }
    for rep in &mut org.reps {
        if let Some(title) = french(&TITLES, &rep.title) {
            rep.title = title.into();
        }
    }
}

/// The demo's catalog (`catalog_toml`'s text) in `language`.
pub fn catalog_in(text: String, language: Language) -> String {
    if language != Language::French {
        return text;
    }
    CATALOG.iter().chain(&PROCESSES).fold(text, |text, (en, fr)| text.replace(en, fr))
}

/// The name of the demo's plan of fiscal year `fy` in `language`.
pub fn plan_name(fy: i32, language: Language) -> String {
    match language {
        Language::French => format!("Plan FY{fy}"),
        Language::English => format!("FY{fy} plan"),
    }
}

/// The name of the demo's stretch scenario of fiscal year `fy` in `language`.
pub fn scenario_name(fy: i32, language: Language) -> String {
    match language {
        Language::French => format!("Scénario ambitieux FY{fy}"),
        Language::English => format!("FY{fy} stretch scenario"),
    }
}
