pub mod form;
pub mod gate;
