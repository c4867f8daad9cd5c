//! Exchange rates over the API, on both databases: read with any reading token, set with an
//! admin one (all or nothing, audited); a deal in another currency is refused without a rate
//! and stored converted with one.

mod common;

use axum::http::{Method, StatusCode};
use common::{with_token as call, world};
use pacer_core::access::Scope;
use pacer_core::audit::AuditFilter;
use pacer_storage::testing::TestDb;
use pacer_storage::{AccessStore, RecordStore};

#[tokio::test]
async fn rates_convert_deals_in_other_currencies() {
    for db in TestDb::all().await {
        let w = world(&db).await;
        let (read, admin, ingest) =
            (w.tokens[&Scope::Read].clone(), w.tokens[&Scope::Admin].clone(), w.tokens[&Scope::Ingest].clone());
        let (status, body) = call(&w.app, Method::GET, "/api/v1/fx-rates", &read, None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body, serde_json::json!({"reporting_currency": "USD", "rates": []}));

        let deal = |id: &str, currency: &str| {
            serde_json::json!({"records": [{"source": "salesforce", "external_id": id, "rep": w.rep_a, "account_id": 1,
                "kind": "new", "status": "won", "amount_minor": 100_000, "currency": currency,
                "created_on": "2026-05-01", "close_date": "2026-06-15"}]})
        };
        let (status, body) = call(&w.app, Method::POST, "/api/v1/deals", &ingest, Some(deal("d1", "CHF"))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(
            body["error"]["message"],
            "no exchange rate for CHF in 2026-06 or earlier: set one first (pacer fx set CHF 2026-06 RATE)"
        );
        let (status, body) = call(&w.app, Method::POST, "/api/v1/deals", &ingest, Some(deal("d1", "Francs"))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["error"]["details"][0]["field"], "currency", "{body}");
        assert!(
            db.store
                .deals_between("2026-01-01".parse().unwrap(), "2026-12-31".parse().unwrap())
                .await
                .unwrap()
                .is_empty()
        );

        // Setting rates: admin only, all or nothing.
        let rates = |rate: &str| {
            serde_json::json!({"rates": [{"currency": "CHF", "month": "2026-01", "rate": "1.1"},
                {"currency": "CHF", "month": "2026-06", "rate": rate}]})
        };
        assert_eq!(
            call(&w.app, Method::PUT, "/api/v1/fx-rates", &read, Some(rates("1.2"))).await.0,
            StatusCode::FORBIDDEN
        );
        let (status, body) = call(&w.app, Method::PUT, "/api/v1/fx-rates", &admin, Some(rates("-1"))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(
            (&body["error"]["details"][0]["index"], &body["error"]["details"][0]["field"]),
            (&1.into(), &"rate".into())
        );
        let own = serde_json::json!({"rates": [{"currency": "USD", "month": "2026-01", "rate": "1"}]});
        let (status, body) = call(&w.app, Method::PUT, "/api/v1/fx-rates", &admin, Some(own)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["error"]["message"], "USD is the reporting currency: its amounts need no rate");
        let (status, body) = call(&w.app, Method::GET, "/api/v1/fx-rates", &read, None).await;
        assert_eq!((status, body["rates"].as_array().map(Vec::len)), (StatusCode::OK, Some(0)), "nothing set");

        let (status, body) = call(&w.app, Method::PUT, "/api/v1/fx-rates", &admin, Some(rates("1.2"))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body, serde_json::json!({"set": 2, "deals_converted_again": 0}));
        let (status, body) = call(&w.app, Method::POST, "/api/v1/deals", &ingest, Some(deal("d1", "chf"))).await;
        assert_eq!((status, &body["new"]), (StatusCode::OK, &1.into()), "{body}");
        let stored =
            db.store.deals_between("2026-01-01".parse().unwrap(), "2026-12-31".parse().unwrap()).await.unwrap();
        assert_eq!(stored[0].amount_minor, 120_000, "CHF 1,000.00 at 1.2 in USD");
        let (_, body) = call(&w.app, Method::PUT, "/api/v1/fx-rates", &admin, Some(rates("1.25"))).await;
        assert_eq!(body["deals_converted_again"], 1, "{body}");
        let (_, body) = call(&w.app, Method::GET, "/api/v1/fx-rates", &read, None).await;
        assert_eq!(body["rates"][1], serde_json::json!({"currency": "CHF", "month": "2026-06", "rate": "1.25"}));
        // Listed as stored: in its currency, and in the reporting currency.
        let (status, body) =
            call(&w.app, Method::GET, "/api/v1/deals?from=2026-06-01&to=2026-06-30", &read, None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let listed = &body[0];
        assert_eq!(
            (&listed["currency"], &listed["original_amount_minor"], &listed["amount_minor"]),
            (&"CHF".into(), &100_000.into(), &125_000.into()),
            "{body}"
        );
        let (status, _) = call(&w.app, Method::GET, "/api/v1/deals?from=2026-06-01&to=2028-06-30", &read, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "at most 366 days");
        let audit = db.store.audit_log(&AuditFilter::default()).await.unwrap();
        assert_eq!(audit.iter().filter(|e| e.action == "fx_rate.set").count(), 2, "{}", db.backend());
    }
}
