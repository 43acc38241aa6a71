//! The one way domain rules refuse input: which form field, and what to do about it.
//! A form's parser names every mistake at once ([`AllOk`]): the first in `field` and
//! `message`, the others in `also`, so a person fixes them in one go.
//!
//! The domain knows no transport: `app::error::AppError` turns this into its
//! `Validation` variant (the server-function encoding lives there).

use serde::{Deserialize, Serialize};

/// Bad input: `field` names the form field so the UI can show the message beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct Invalid {
    pub field: String,
    pub message: String,
    /// The form's other mistakes, in the form's order (none: only this one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<Invalid>,
}

impl Invalid {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Invalid {
            field: field.into(),
            message: message.into(),
            also: Vec::new(),
        }
    }

    /// Every mistake in `problems` as one refusal, in order (each field once: its first
    /// mistake), or `None` when there is none.
    pub fn all(problems: impl IntoIterator<Item = Invalid>) -> Option<Invalid> {
        let mut flat: Vec<Invalid> = Vec::new();
        for problem in problems {
            for one in problem.each() {
                if !flat.iter().any(|p| p.field == one.field) {
                    flat.push(Invalid::new(one.field.clone(), one.message.clone()));
                }
            }
        }
        let mut flat = flat.into_iter();
        let mut first = flat.next()?;
        first.also = flat.collect();
        Some(first)
    }

    /// This mistake and the others, in the form's order.
    pub fn each(&self) -> impl Iterator<Item = &Invalid> {
        std::iter::once(self).chain(self.also.iter().flat_map(|a| a.each_boxed()))
    }

    fn each_boxed(&self) -> Box<dyn Iterator<Item = &Invalid> + '_> {
        Box::new(self.each())
    }

    /// The message for `field`, if one of these mistakes is about that field.
    pub fn field_message(&self, field: &str) -> Option<String> {
        self.each()
            .find(|p| p.field == field)
            .map(|p| p.message.clone())
    }
}

/// Every parse of a form's fields at once: all the values, or every mistake.
///
/// ```
/// use domain::{AllOk, Invalid};
/// let name: Result<&str, Invalid> = Err(Invalid::new("name", "Give a name."));
/// let age: Result<u8, Invalid> = Err(Invalid::new("age", "Give an age."));
/// let refused = (name, age).all_ok().unwrap_err();
/// assert_eq!(refused.field_message("age").as_deref(), Some("Give an age."));
/// ```
pub trait AllOk {
    type Values;
    fn all_ok(self) -> Result<Self::Values, Invalid>;
}

macro_rules! all_ok_for {
    ($($t:ident $v:ident),+) => {
        impl<$($t),+> AllOk for ($(Result<$t, Invalid>,)+) {
            type Values = ($($t,)+);
            fn all_ok(self) -> Result<Self::Values, Invalid> {
                let ($($v,)+) = self;
                let mut problems = Vec::new();
                $(let $v = $v.map_err(|e| problems.push(e)).ok();)+
                match ($($v,)+) {
                    ($(Some($v),)+) => Ok(($($v,)+)),
                    _ => Err(Invalid::all(problems)
                        .unwrap_or_else(|| Invalid::new("form", "Check the form."))),
                }
            }
        }
    };
}

all_ok_for!(A a, B b);
all_ok_for!(A a, B b, C c);
all_ok_for!(A a, B b, C c, D d);
all_ok_for!(A a, B b, C c, D d, E e);
all_ok_for!(A a, B b, C c, D d, E e, F f);
all_ok_for!(A a, B b, C c, D d, E e, F f, G g);
all_ok_for!(A a, B b, C c, D d, E e, F f, G g, H h);
all_ok_for!(A a, B b, C c, D d, E e, F f, G g, H h, I i);
all_ok_for!(A a, B b, C c, D d, E e, F f, G g, H h, I i, J j);

#[cfg(test)]
mod tests {
    use super::*;

    fn bad(field: &str) -> Result<i32, Invalid> {
        Err(Invalid::new(field, format!("{field} is wrong")))
    }

    #[test]
    fn all_ok_gives_every_value_or_every_mistake_in_order() {
        assert_eq!(
            (Ok::<_, Invalid>(1), Ok::<_, Invalid>("x")).all_ok(),
            Ok((1, "x"))
        );
        let refused = (bad("a"), Ok::<_, Invalid>(2), bad("c"))
            .all_ok()
            .unwrap_err();
        let fields: Vec<&str> = refused.each().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["a", "c"]);
        assert_eq!(refused.message, "a is wrong");
        assert_eq!(refused.field_message("c").as_deref(), Some("c is wrong"));
        assert_eq!(refused.field_message("b"), None);
    }

    #[test]
    fn nested_refusals_flatten_and_each_field_keeps_its_first_mistake() {
        let inner = (bad("x"), bad("y")).all_ok().map(|_| 0);
        let refused = (inner, bad("x"), bad("z")).all_ok().unwrap_err();
        let fields: Vec<&str> = refused.each().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["x", "y", "z"]);
        assert!(refused.also.iter().all(|p| p.also.is_empty()));
    }

    #[test]
    fn one_mistake_serializes_as_before() {
        let json = serde_json::to_value(Invalid::new("f", "m")).unwrap();
        assert_eq!(json, serde_json::json!({"field": "f", "message": "m"}));
    }
}
