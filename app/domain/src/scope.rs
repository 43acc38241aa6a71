//! Who a structure test or a vote counts: the areas a lead ticked, each with every area
//! beneath it; none ticked, the whole campaign. One parser (one limit, one message), one
//! way down the tree (also the heat map's opened cell and the forecast's moves), one way
//! to say it in words.

use crate::fields::optional_id;
use crate::{Area, Invalid};

/// At most this many areas can be ticked for one scope.
pub const MAX_SCOPE_AREAS: usize = 200;

/// The ticked areas of a form (`area_ids[i]`; blanks skipped): each an area of this
/// campaign, once, in order of id.
pub fn parse_areas(chosen: &[String], areas: &[Area]) -> Result<Vec<i64>, Invalid> {
    if chosen.len() > MAX_SCOPE_AREAS {
        return Err(Invalid::new(
            "area_ids",
            format!("Choose at most {MAX_SCOPE_AREAS} areas."),
        ));
    }
    let mut ids = Vec::with_capacity(chosen.len());
    for raw in chosen {
        let Some(id) = optional_id(raw, "area_ids")? else {
            continue;
        };
        if !areas.iter().any(|a| a.id == id) {
            return Err(Invalid::new(
                "area_ids",
                "That area is not on this campaign's map.",
            ));
        }
        ids.push(id);
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// `chosen` and every area beneath them, once each, in order of id: a scope of
/// "Plant 2" counts its lines. Ids not on the map are kept as they are.
pub fn subtree(areas: &[Area], chosen: &[i64]) -> Vec<i64> {
    // Children by parent, sorted: one pass over the map, then a walk down from `chosen`.
    let mut children: Vec<(i64, i64)> = areas
        .iter()
        .filter_map(|a| a.parent_id.map(|p| (p, a.id)))
        .collect();
    children.sort_unstable();
    let mut out: Vec<i64> = chosen.to_vec();
    out.sort_unstable();
    out.dedup();
    let mut seen: std::collections::BTreeSet<i64> = out.iter().copied().collect();
    let mut next = 0;
    while next < out.len() {
        let parent = out[next];
        next += 1;
        let from = children.partition_point(|&(p, _)| p < parent);
        for &(_, child) in children[from..].iter().take_while(|&&(p, _)| p == parent) {
            if seen.insert(child) {
                out.push(child);
            }
        }
    }
    out.sort_unstable();
    out
}

/// A scope in words ("The whole campaign" when no area is chosen): the areas named, in
/// map order, those beneath a named one left out.
pub fn words(area_ids: &[i64], areas: &[Area]) -> String {
    if area_ids.is_empty() {
        return "The whole campaign".to_owned();
    }
    let names: Vec<&str> = areas
        .iter()
        .filter(|a| area_ids.contains(&a.id))
        .filter(|a| a.parent_id.is_none_or(|p| !area_ids.contains(&p)))
        .map(|a| a.name.as_str())
        .collect();
    names.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn area(id: i64, parent_id: Option<i64>, name: &str) -> Area {
        Area::new(id, parent_id, name)
    }

    /// Site 1 holds Line 2 (which holds Cell 3); Site 4 stands alone; 5 sits under 3.
    fn map() -> Vec<Area> {
        vec![
            area(1, None, "Site"),
            area(2, Some(1), "Line"),
            area(4, None, "Dock"),
            area(3, Some(2), "Cell"),
            area(5, Some(3), "Bench"),
        ]
    }

    #[test]
    fn the_subtree_takes_in_every_level_beneath_once() {
        let areas = map();
        assert_eq!(subtree(&areas, &[1]), [1, 2, 3, 5]);
        assert_eq!(subtree(&areas, &[2, 4]), [2, 3, 4, 5]);
        assert_eq!(subtree(&areas, &[3, 1, 3]), [1, 2, 3, 5]);
        assert_eq!(subtree(&areas, &[5]), [5]);
        assert_eq!(subtree(&areas, &[]), Vec::<i64>::new());
        // A loop in a corrupt map ends.
        let mut looped = map();
        looped[0].parent_id = Some(5);
        assert_eq!(subtree(&looped, &[3]), [1, 2, 3, 5]);
    }

    #[test]
    fn ticked_areas_are_read_once_each_and_must_be_on_the_map() {
        let areas = map();
        let raw = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            parse_areas(&raw(&["4", "", " 1", "4"]), &areas),
            Ok(vec![1, 4])
        );
        assert_eq!(parse_areas(&[], &areas), Ok(vec![]));
        let err = parse_areas(&raw(&["9"]), &areas).unwrap_err();
        assert_eq!(err.field, "area_ids");
        assert!(parse_areas(&raw(&["x"]), &areas).is_err());
        let many: Vec<String> = (0..=MAX_SCOPE_AREAS).map(|_| "1".to_owned()).collect();
        assert_eq!(
            parse_areas(&many, &areas).unwrap_err().message,
            "Choose at most 200 areas."
        );
        assert_eq!(parse_areas(&many[1..], &areas), Ok(vec![1]));
    }

    #[test]
    fn a_scope_in_words_names_the_top_areas_chosen() {
        let areas = map();
        assert_eq!(words(&[], &areas), "The whole campaign");
        assert_eq!(words(&subtree(&areas, &[1]), &areas), "Site");
        assert_eq!(words(&[2, 3, 4], &areas), "Line, Dock");
    }
}
