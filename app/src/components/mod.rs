pub mod chip;
pub mod floor_plan;
pub mod form;
pub mod gate;
