pub mod chip;
pub mod form;
pub mod gate;
