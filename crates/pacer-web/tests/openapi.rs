//! The OpenAPI document itself: parameters where they are, every error with its real shape,
//! arrays where arrays are answered, every API route described and nothing else. The served API
//! is checked against it by `crates/pacer/tests/schemathesis.rs`.

use pacer_web::api::openapi::ApiDoc;
use pacer_web::routes;
use serde_json::Value;
use std::collections::BTreeSet;
use utoipa::OpenApi;

const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];
const ERROR_BODY: &str = "#/components/schemas/ErrorBody";

fn document() -> Value {
    serde_json::to_value(ApiDoc::openapi()).expect("the document is JSON")
}

/// Every operation: (method, path, operation).
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                out.push((method.to_uppercase(), path.clone(), op.clone()));
            }
        }
    }
    out
}

/// Follows a `$ref` to a schema of the document's components.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.strip_prefix("#/components/schemas/").unwrap_or_else(|| panic!("not a schema ref: {r}"));
            let found = &doc["components"]["schemas"][name];
            assert!(!found.is_null(), "{r} is not in the components");
            found
        }
        None => schema,
    }
}

#[test]
fn every_reference_resolves() {
    let doc = document();
    let text = doc.to_string();
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    let broken: BTreeSet<&str> = text
        .split("\"#/components/schemas/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|name| !schemas.contains_key(*name))
        .collect();
    assert!(broken.is_empty(), "references to schemas that are not there: {broken:?}");
}

#[test]
fn parameters_are_where_they_really_are() {
    let doc = document();
    let mut problems = Vec::new();
    for (method, path, op) in operations(&doc) {
        let in_path: BTreeSet<String> = path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(str::to_string)
            .collect();
        let mut declared = BTreeSet::new();
        for p in op["parameters"].as_array().into_iter().flatten() {
            let name = p["name"].as_str().unwrap_or_default().to_string();
            match p["in"].as_str() {
                Some("path") => {
                    if !in_path.contains(&name) {
                        problems.push(format!("{method} {path}: {name} is declared in the path but is not a segment"));
                    }
                    if p["required"] != Value::Bool(true) {
                        problems.push(format!("{method} {path}: path parameter {name} is not required"));
                    }
                    declared.insert(name);
                }
                Some("query") => {}
                other => problems.push(format!("{method} {path}: {name} is in {other:?}")),
            }
        }
        for missing in in_path.difference(&declared) {
            problems.push(format!("{method} {path}: segment {{{missing}}} is not declared"));
        }
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn optional_query_parameters_are_optional() {
    let doc = document();
    let calendar = &doc["paths"]["/api/v1/calendar"]["get"]["parameters"];
    let fy = calendar.as_array().unwrap().iter().find(|p| p["name"] == "fy").expect("fy");
    assert_eq!(fy["in"], "query");
    assert_ne!(fy["required"], Value::Bool(true), "{fy}");
    let value = &doc["paths"]["/api/v1/kpis/{key}/value"]["get"]["parameters"];
    let from = value.as_array().unwrap().iter().find(|p| p["name"] == "from").expect("from");
    assert_eq!((from["in"].as_str(), from["required"].as_bool()), (Some("query"), Some(true)), "{from}");
}

#[test]
fn every_error_is_documented_with_the_error_body() {
    let doc = document();
    let mut problems = Vec::new();
    for (method, path, op) in operations(&doc) {
        let responses = op["responses"].as_object().expect("responses");
        for (status, response) in responses {
            // (`/healthz` answers 503 with its own body, for load balancers.)
            if !status.starts_with('4') {
                continue;
            }
            let schema = &response["content"]["application/json"]["schema"];
            if schema["$ref"] != ERROR_BODY {
                problems.push(format!("{method} {path} {status}: {schema}"));
            }
        }
        let expected: &[&str] = match (path.as_str(), op["requestBody"].is_object()) {
            ("/healthz", _) => &[],
            (_, true) => &["400", "401", "403", "413"],
            (_, false) => &["401", "403"],
        };
        for status in expected {
            if !responses.contains_key(*status) {
                problems.push(format!("{method} {path}: no {status}"));
            }
        }
        if path.contains('{') && !responses.contains_key("404") {
            problems.push(format!("{method} {path}: no 404"));
        }
    }
    let body = &doc["components"]["schemas"]["ErrorBody"];
    assert_eq!(body["required"], serde_json::json!(["error"]), "{body}");
    let detail = resolve(&doc, &body["properties"]["error"]);
    assert!(detail["properties"]["code"].is_object() && detail["properties"]["details"].is_object(), "{detail}");
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn arrays_are_documented_as_arrays() {
    let doc = document();
    for path in ["/api/v1/plans", "/api/v1/completeness", "/api/v1/teams", "/api/v1/readiness", "/api/v1/churn/cohorts"]
    {
        let schema = &doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
        assert_eq!(schema["type"], "array", "GET {path}: {schema}");
        let items = resolve(&doc, &schema["items"]);
        assert!(items["properties"].is_object(), "GET {path} items have no properties: {items}");
    }
}

/// A JSON answer described only as "an object" says nothing: every 2xx JSON body has a shape.
#[test]
fn successful_json_answers_have_a_shape() {
    let doc = document();
    let mut problems = Vec::new();
    for (method, path, op) in operations(&doc) {
        for (status, response) in op["responses"].as_object().unwrap() {
            let Some(schema) = response["content"].get("application/json").map(|c| &c["schema"]) else { continue };
            if !status.starts_with('2') {
                continue;
            }
            let schema = resolve(&doc, schema);
            let shaped = match schema["type"].as_str() {
                Some("array") => {
                    let items = resolve(&doc, &schema["items"]);
                    items.get("properties").is_some() || items.get("oneOf").is_some() || items["type"] != "object"
                }
                Some("object") => schema.get("properties").is_some(),
                _ => schema.get("oneOf").is_some() || schema.get("allOf").is_some() || schema.get("type").is_some(),
            };
            if !shaped {
                problems.push(format!("{method} {path} {status}: {schema}"));
            }
        }
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn every_api_route_is_described_and_nothing_else() {
    let doc = document();
    let documented: BTreeSet<(String, String)> = operations(&doc).into_iter().map(|(m, p, _)| (m, p)).collect();
    let routes: BTreeSet<(String, String)> = routes::table()
        .iter()
        .filter(|r| r.path.starts_with("/api/v1/") && r.path != "/api/v1/openapi.json" || r.path == "/healthz")
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect();
    let undocumented: Vec<_> = routes.difference(&documented).collect();
    let unknown: Vec<_> = documented.difference(&routes).collect();
    assert!(undocumented.is_empty(), "routes without a description: {undocumented:?}");
    assert!(unknown.is_empty(), "described but not routed: {unknown:?}");
}

#[test]
fn the_access_rule_is_in_each_description() {
    let doc = document();
    let op = &doc["paths"]["/api/v1/users"]["post"];
    assert!(op["description"].as_str().unwrap_or_default().ends_with("Access: admins, or an admin token."), "{op}");
    let op = &doc["paths"]["/api/v1/plans"]["get"];
    assert!(
        op["description"].as_str().unwrap_or_default().contains("managers and up, or a read or admin token"),
        "{op}"
    );
}
