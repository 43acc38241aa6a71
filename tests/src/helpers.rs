//! Small steps many stories take: building a map through the lead's server functions,
//! and reading the answers and cookies they give back.

use app::api::map::{CreateArea, CreateShift};
use serde_json::Value;

use crate::{calls, Browser};

/// The `id` of an answer that carries one (a created area, coworker, campaign...).
pub fn id_of(answer: &Value) -> i64 {
    answer["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no id in {answer}"))
}

/// A new top-level area of the campaign; its id.
pub async fn area(lead: &Browser, campaign_id: i64, name: &str) -> i64 {
    id_of(&lead.call_fn_ok(calls::create_area(campaign_id, name)).await)
}

/// A new area inside `parent`; its id.
pub async fn area_in(lead: &Browser, campaign_id: i64, name: &str, parent: i64) -> i64 {
    let args = CreateArea {
        parent_id: parent.to_string(),
        ..calls::create_area(campaign_id, name)
    };
    id_of(&lead.call_fn_ok(args).await)
}

/// A new shift of the campaign; its id.
pub async fn shift(lead: &Browser, campaign_id: i64, name: &str) -> i64 {
    let args = CreateShift {
        campaign_id,
        name: name.into(),
    };
    id_of(&lead.call_fn_ok(args).await)
}

/// A new coworker in `area`; their id.
pub async fn coworker(lead: &Browser, campaign_id: i64, name: &str, area: i64) -> i64 {
    id_of(
        &lead
            .call_fn_ok(calls::create_coworker(campaign_id, name, Some(area)))
            .await,
    )
}

/// A new coworker in `area` on `shift`; their id.
pub async fn coworker_on(
    lead: &Browser,
    campaign_id: i64,
    name: &str,
    area: i64,
    shift: i64,
) -> i64 {
    let args = calls::with_form(calls::create_coworker(campaign_id, name, Some(area)), |f| {
        f.shift_id = shift.to_string();
    });
    id_of(&lead.call_fn_ok(args).await)
}

/// The names in a list of people as the API answers it (`name`, or `coworker_name`).
pub fn names(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|p| {
            p.get("name")
                .or_else(|| p.get("coworker_name"))
                .and_then(Value::as_str)
                .expect("a name")
                .to_owned()
        })
        .collect()
}

/// Each item's `field`, a string, in a JSON list (panics on anything else).
pub fn strings<'a>(list: &'a Value, field: &str) -> Vec<&'a str> {
    items(list)
        .iter()
        .map(|item| {
            item[field]
                .as_str()
                .unwrap_or_else(|| panic!("no string {field} in {item}"))
        })
        .collect()
}

/// The items of a JSON list (panics on anything else).
pub fn items(list: &Value) -> &Vec<Value> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
}

/// The length of a JSON list (panics on anything else).
pub fn len(list: &Value) -> usize {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .len()
}

/// The actions of a page of audit entries (`audit/list`'s answer), newest first.
pub fn actions(page: &Value) -> Vec<String> {
    page["entries"]
        .as_array()
        .expect("a page of audit entries")
        .iter()
        .map(|e| e["action"].as_str().expect("an action").to_owned())
        .collect()
}

/// The field a validation error names ("" for any other answer).
pub fn field_of(body: &str) -> String {
    let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    v["Validation"]["field"].as_str().unwrap_or("").to_owned()
}

/// The value of the cookie `name` a response set, if it set one.
pub fn set_cookie(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| {
            c.strip_prefix(&format!("{name}="))
                .map(|rest| rest.split(';').next().unwrap_or("").to_owned())
        })
}

/// Waits, when the next `margin` crosses midnight UTC, until just after it: a story that
/// counts "today" both from the server's clock and from its own then sees one day
/// (the heat stories seeded yesterday's rows and read today's map across midnight).
pub async fn clear_of_midnight(margin: std::time::Duration) {
    let now = chrono::Utc::now();
    let later = now + chrono::Duration::from_std(margin).unwrap_or_default();
    if later.date_naive() != now.date_naive() {
        let after = later
            .date_naive()
            .and_hms_opt(0, 0, 1)
            .unwrap_or_default()
            .and_utc();
        tokio::time::sleep((after - now).to_std().unwrap_or_default()).await;
    }
}
