//! Stories: importing the employer's list. A 2,000-row file with messy headers is
//! mapped, previewed and applied; a newer list is reconciled and only what the lead
//! confirms is applied; bad files get clear answers and change nothing.

use app::api::coworkers::{GetCoworker, ListCoworkers};
use app::api::map::ListAreas;
use app::api::roster::{ApplyRoster, PreviewRoster};
use rankfile_tests::employer_list::{employer_list as roster, MAPPING};
use rankfile_tests::{area, calls, coworker, items, len, names, stories, Browser, TestApp};
use serde_json::Value;

stories!(
    a_messy_list_imports_and_a_newer_one_reconciles,
    bad_files_are_refused_and_change_nothing,
    a_windows_1252_list_reads_right_and_its_encoding_can_be_chosen,
    peoplesoft_headers_are_guessed_and_a_near_miss_is_flagged,
);

async fn count(lead: &Browser, campaign_id: i64) -> usize {
    len(&lead.call_fn_ok(ListCoworkers { campaign_id }).await)
}

async fn a_messy_list_imports_and_a_newer_one_reconciles(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Mercy").await;
    let id = campaign_id.to_string();
    // The map already has the ICU; the file brings seven more departments.
    let icu = area(&lead, campaign_id, "icu").await;
    // One coworker was charted by hand before the list came: the import must find her
    // by name and area, not add her twice, and record her employee ID.
    let pat = coworker(&lead, campaign_id, "Pat Worker0", icu).await;
    let get = |coworker_id: i64| {
        lead.call_fn_ok(GetCoworker {
            campaign_id,
            coworker_id,
        })
    };

    let first = lead
        .upload_roster_ok(campaign_id, "roster.csv", roster(0..2000, |_| false))
        .await;
    let preview = lead
        .call_fn_ok(calls::preview_roster(campaign_id, first))
        .await;
    // rankfile guessed the columns from the messy headers; the hire date is left out.
    assert_eq!(
        preview["mapping"]["columns"],
        serde_json::json!([
            "EmployeeRef",
            "Name",
            "Area",
            "Shift",
            "JobTitle",
            null,
            "Phone"
        ])
    );
    assert_eq!(preview["rows"], 2000);
    assert_eq!(preview["error_count"], 0, "{}", preview["errors"]);
    let changes = &preview["changes"];
    assert_eq!(changes["new_count"], 1999);
    assert_eq!(
        changes["new"][0]["name"], "Pat Worker1",
        "Last, First turned around"
    );
    assert_eq!(changes["link_count"], 1);
    assert_eq!(
        changes["moved_count"], 1,
        "Pat gains a shift and a job title"
    );
    assert_eq!(
        changes["new_areas"].as_array().unwrap().len(),
        7,
        "ICU exists (any case)"
    );
    assert_eq!(changes["new_shifts"].as_array().unwrap().len(), 3);
    let mapping = MAPPING;
    let apply_first = || calls::apply_roster(campaign_id, first, mapping);
    let outcome = lead.call_fn_ok(apply_first()).await;
    assert_eq!(outcome["added"], 1999);
    assert_eq!(outcome["refs_linked"], 1);
    let pat_now = get(pat).await;
    assert_eq!(pat_now["fields"]["employee_ref"], "10000");
    assert_eq!(outcome["areas_created"], 7);
    assert_eq!(outcome["shifts_created"], 3);
    assert_eq!(count(&lead, campaign_id).await, 2000);
    // Applying the same import twice does nothing more.
    let res = lead.call_fn(apply_first()).await;
    assert_eq!(res.status(), 409);
    assert_eq!(count(&lead, campaign_id).await, 2000);

    // A newer list: 1900..2030 hired, 0..50 gone, 100..140 moved department.
    let newer = roster(50..2030, |i| (100..140).contains(&i));
    let second = lead
        .upload_roster_ok(campaign_id, "roster.csv", newer)
        .await;
    let preview = lead
        .call_fn_ok(PreviewRoster {
            mapping: mapping.into(),
            match_by: "employee_ref".into(),
            ..calls::preview_roster(campaign_id, second)
        })
        .await;
    let changes = &preview["changes"];
    assert_eq!(changes["new_count"], 30);
    assert_eq!(changes["gone_count"], 50);
    assert_eq!(
        changes["moved_count"], 40,
        "Pat's first move was not confirmed, and Pat is gone"
    );
    assert_eq!(changes["link_count"], 0);
    assert_eq!(changes["unchanged"], 2000 - 50 - 40);
    // The lead confirms the new hires, 10 of the moves and 20 of the departures.
    let moves: Vec<String> = changes["moved"].as_array().unwrap()[..10]
        .iter()
        .map(|m| m["id"].to_string())
        .collect();
    let gone: Vec<String> = changes["gone"].as_array().unwrap()[..20]
        .iter()
        .map(|g| g[0].to_string())
        .collect();
    // Raw: ticked boxes arrive with gaps in their indexes, as a browser sends them.
    let mut form: Vec<(String, String)> = vec![
        ("campaign_id".into(), id.clone()),
        ("import_id".into(), second.to_string()),
        ("mapping".into(), mapping.into()),
        ("match_by".into(), "employee_ref".into()),
        ("add_new".into(), "on".into()),
    ];
    for (n, m) in moves.iter().enumerate() {
        form.push((format!("moves[{}]", n * 2), m.clone()));
    }
    for (n, g) in gone.iter().enumerate() {
        form.push((format!("gone[{}]", n * 3 + 1), g.clone()));
    }
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let outcome = lead.call_ok("roster/apply", &pairs).await;
    assert_eq!(outcome["added"], 30);
    assert_eq!(outcome["moved"], 10);
    assert_eq!(outcome["marked_left"], 20);
    assert_eq!(outcome["areas_created"], 0);
    assert_eq!(count(&lead, campaign_id).await, 2030, "nobody is deleted");
    let moved_one = get(moves[0].parse().unwrap()).await;
    let gone_one = get(gone[0].parse().unwrap()).await;
    assert_eq!(gone_one["fields"]["employment_status"], "Left");
    let first_mover: Value = changes["moved"][0].clone();
    let areas = lead.call_fn_ok(ListAreas { campaign_id }).await;
    let area_name = areas
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == moved_one["fields"]["area_id"])
        .unwrap()["name"]
        .clone();
    assert_eq!(area_name, first_mover["to_area"]);

    // Without JavaScript the upload lands on the preview page.
    let res = lead
        .upload_roster(&id, "again.csv", roster(0..3, |_| false), true)
        .await;
    assert_eq!(res.status(), 302);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with(&format!("/campaigns/{id}/import/")));
    let (status, html) = lead.get_html(&location).await;
    assert_eq!(status, 200);
    assert!(html.contains("Employee Name") && html.contains("What would change"));
    app.stop().await;
}

async fn bad_files_are_refused_and_change_nothing(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Mercy").await;
    let id = campaign_id.to_string();
    let refused = |content: Vec<u8>| {
        let lead = lead.clone();
        let id = id.clone();
        async move {
            let res = lead.upload_roster(&id, "bad.csv", content, false).await;
            let status = res.status().as_u16();
            let body: Value = serde_json::from_str(&res.text().await.unwrap()).unwrap();
            (
                status,
                body["Validation"]["message"]
                    .as_str()
                    .unwrap_or("")
                    .to_owned(),
            )
        }
    };
    // Not text at all (zero bytes where no encoding has them).
    let (status, message) = refused(b"\x00\x01\x02\x03binary\x00\xff\xfe\x00".to_vec()).await;
    assert_eq!(status, 422);
    assert!(message.contains("not CSV text"), "{message}");
    let (status, message) = refused(b"PK\x03\x04rest-of-a-workbook".to_vec()).await;
    assert_eq!(status, 422);
    assert!(message.contains("Excel"), "{message}");
    // 50 MB: refused with the reason (read and dropped, never stored).
    let (status, message) = refused(vec![b'a'; 50 * 1024 * 1024]).await;
    assert_eq!(status, 422);
    assert!(message.contains("20 MB"), "{message}");
    assert_eq!(
        app.sql_count("SELECT COUNT(*) FROM roster_imports").await,
        0,
        "refused files are not stored"
    );

    // Readable but wrong inside: the preview says what, line by line; apply refuses.
    let file = "Employee Name,Dept,Personal Email\n\
                Ana Lopez,ICU,ana@example.org\n\
                =HYPERLINK(\"http://evil\"),ICU,\n\
                Ana Lopez,ICU,\n\
                Ben Okafor,ER,not-an-email\n";
    let import = lead
        .upload_roster_ok(campaign_id, "roster.csv", file.as_bytes().to_vec())
        .await;
    let preview = lead
        .call_fn_ok(calls::preview_roster(campaign_id, import))
        .await;
    assert_eq!(preview["error_count"], 3, "{}", preview["errors"]);
    let lines: Vec<i64> = items(&preview["errors"])
        .iter()
        .map(|e| e["line"].as_i64().unwrap())
        .collect();
    assert_eq!(lines, [3, 4, 5]);
    assert!(preview["changes"].is_null());
    let apply: ApplyRoster = calls::apply_roster(campaign_id, import, "name,area,email");
    let res = lead.call_fn(apply).await;
    assert_eq!(res.status(), 422);
    // No name column chosen: the mapping is refused in words.
    let preview = lead
        .call_fn_ok(PreviewRoster {
            mapping: ",area,email".into(),
            ..calls::preview_roster(campaign_id, import)
        })
        .await;
    assert!(preview["mapping_error"].as_str().unwrap().contains("name"));
    assert_eq!(count(&lead, campaign_id).await, 0, "nothing was imported");
    let areas = lead.call_fn_ok(ListAreas { campaign_id }).await;
    assert_eq!(len(&areas), 0, "no areas were created");
    // Without JavaScript a refused file comes back to the upload page with the reason.
    let res = lead
        .upload_roster(&id, "bad.csv", b"PK\x03\x04".to_vec(), true)
        .await;
    assert_eq!(res.status(), 302);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with(&format!("/campaigns/{id}/import?error=")));
    let (_, html) = lead.get_html(&location).await;
    assert!(html.contains("Excel workbook"));
    app.stop().await;
}

async fn a_windows_1252_list_reads_right_and_its_encoding_can_be_chosen(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Mercy").await;
    // As Excel's "CSV" on Windows and most HR exports save it: Windows-1252, CRLF.
    let bytes = b"Employee ID,Name,Department\r\n\
        1001,Jos\xe9 Pe\xf1a,Caf\xe9\r\n\
        1002,Ren\xe9e O\x92Brien,Pharmacy\r\n"
        .to_vec();
    let import = lead.upload_roster_ok(campaign_id, "hr.csv", bytes).await;
    let preview = lead
        .call_fn_ok(calls::preview_roster(campaign_id, import))
        .await;
    assert_eq!(preview["encoding"], "windows-1252");
    assert_eq!(preview["sample"][0][1], "José Peña");
    assert_eq!(preview["sample"][1][1], "Renée O’Brien");
    assert_eq!(preview["encoding_error"], Value::Null);
    let read_as = |encoding: &str| PreviewRoster {
        encoding: encoding.into(),
        ..calls::preview_roster(campaign_id, import)
    };
    // Chosen as UTF-8: said why not, beside the choice, and shown as guessed.
    let as_utf8 = lead.call_fn_ok(read_as("UTF-8")).await;
    let said = as_utf8["encoding_error"].as_str().unwrap();
    assert!(said.starts_with("Line 2 is not UTF-8"), "{said}");
    assert_eq!(as_utf8["sample"][0][1], "José Peña");
    // Chosen as Mac OS Roman: read so (other letters, which the lead would see).
    let as_mac = lead.call_fn_ok(read_as("macintosh")).await;
    assert_eq!(as_mac["encoding"], "macintosh");
    assert_ne!(as_mac["sample"][0][1], "José Peña");
    // An encoding not offered.
    let odd = lead.call_fn_ok(read_as("x-user-defined")).await;
    assert!(odd["encoding_error"].as_str().unwrap().contains("offered"));

    // Applied as UTF-8 (a form the page never sends): refused, nothing written.
    let apply = |encoding: &str| ApplyRoster {
        encoding: encoding.into(),
        ..calls::apply_roster(campaign_id, import, "employee_ref,name,area")
    };
    assert_eq!(lead.status_fn(apply("UTF-8")).await, 422);
    assert_eq!(count(&lead, campaign_id).await, 0);
    // Applied as read: the names on the chart are the people's.
    lead.call_fn_ok(apply("windows-1252")).await;
    let chart = lead.call_fn_ok(ListCoworkers { campaign_id }).await;
    let mut on_chart = names(&chart);
    on_chart.sort();
    assert_eq!(on_chart, ["José Peña", "Renée O’Brien"]);
    app.stop().await;
}

async fn peoplesoft_headers_are_guessed_and_a_near_miss_is_flagged(app: TestApp) {
    let (lead, campaign_id) = app.lead_of("lead@example.org", "Mercy").await;
    let file = "EMPLID,Name,Dept ID,Departmnet Descr,Empl Shift Cd,Job Cd Descr,Hire Dt\n\
                1001,Ana Ruiz,4410,Cardiology,NIGHT,RN II,2019-03-04\n";
    let import = lead
        .upload_roster_ok(campaign_id, "ps.csv", file.as_bytes().to_vec())
        .await;
    let preview = lead
        .call_fn_ok(calls::preview_roster(campaign_id, import))
        .await;
    assert_eq!(
        preview["mapping"]["columns"],
        serde_json::json!([
            "EmployeeRef",
            "Name",
            null,
            "Area",
            "Shift",
            "JobTitle",
            null
        ])
    );
    // The misspelt department is a near match, said so; the others are sure.
    let sureness = preview["sureness"].as_array().unwrap();
    assert_eq!(sureness[0], 100);
    let near = sureness[3].as_u64().unwrap();
    assert!((92..100).contains(&near), "{near}");
    assert_eq!(sureness[6], Value::Null);
    let (_, html) = lead
        .get_html(&format!("/campaigns/{campaign_id}/import/{import}"))
        .await;
    assert!(html.contains("near-guess"), "the page flags the near match");
    app.stop().await;
}
