pub mod chip;
pub mod floor_plan;
pub mod forecast;
pub mod form;
pub mod gate;
pub mod log_form;
pub mod support_bar;
pub mod vote_fields;
