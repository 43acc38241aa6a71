//! The shape every "pick one" enum shares: a form lists `ALL`, sends a `key`, shows a
//! `label`, and the server reads the key back with `parse`.

/// A closed set of values offered in forms and stored by a stable key.
///
/// Implement `ALL`, `key` and `label`; `parse` comes with them. Callers need the trait
/// in scope (`use crate::Choice`) to call these.
pub trait Choice: Copy + 'static {
    /// `[Self; N]`, so `ALL.into_iter()` yields the values themselves.
    type All: IntoIterator<Item = Self>;

    /// Every value, in the order a form lists them.
    const ALL: Self::All;

    /// The stable key: what forms send and storage keeps.
    fn key(self) -> &'static str;

    /// What people read.
    fn label(self) -> &'static str;

    /// The value whose key is exactly `key`.
    fn parse(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.key() == key)
    }
}

/// Declares a pick-one enum and its [`Choice`] impl in one place: each variant with
/// its key and label, in the order forms list them.
///
/// ```ignore
/// choice! {
///     /// How a one-on-one happened.
///     #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
///     pub enum Channel {
///         InPerson => "in_person", "In person";
///         Phone => "phone", "Phone";
///     }
/// }
/// ```
macro_rules! choice {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $key:literal, $label:literal; )+
        }
    ) => {
        $(#[$meta])*
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $crate::Choice for $name {
            type All = [$name; [$(stringify!($variant)),+].len()];
            const ALL: Self::All = [$(Self::$variant),+];

            fn key(self) -> &'static str {
                match self {
                    $(Self::$variant => $key,)+
                }
            }

            fn label(self) -> &'static str {
                match self {
                    $(Self::$variant => $label,)+
                }
            }
        }
    };
}
pub(crate) use choice;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::organizing::{Answer, Channel, Source};
    use crate::roster::{Field, MatchBy};
    use crate::{EmploymentStatus, Role, TieKind};

    /// Every value reads back from its key, keys and labels are distinct and non-empty,
    /// and nothing else parses.
    fn round_trips<C: Choice + PartialEq + std::fmt::Debug>() {
        let all: Vec<C> = C::ALL.into_iter().collect();
        assert!(!all.is_empty());
        for (i, c) in all.iter().enumerate() {
            assert_eq!(C::parse(c.key()), Some(*c));
            assert!(!c.key().is_empty() && !c.label().is_empty(), "{c:?}");
            for other in &all[i + 1..] {
                assert_ne!(c.key(), other.key());
                assert_ne!(c.label(), other.label());
            }
        }
        assert_eq!(C::parse(""), None);
        assert_eq!(C::parse("no such key"), None);
    }

    #[test]
    fn every_choice_round_trips_through_its_key() {
        round_trips::<Role>();
        round_trips::<EmploymentStatus>();
        round_trips::<TieKind>();
        round_trips::<Channel>();
        round_trips::<Answer>();
        round_trips::<Source>();
        round_trips::<Field>();
        round_trips::<MatchBy>();
        round_trips::<crate::heat::Dimension>();
        round_trips::<crate::structure::TestKind>();
        round_trips::<crate::structure::TestStatus>();
        round_trips::<crate::structure::Response>();
        round_trips::<crate::structure::VoteBase>();
    }
}
