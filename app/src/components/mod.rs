mod code_input;
mod footer;
mod header;
mod language_switch;
mod staff_table;

pub use code_input::CodeInput;
pub use footer::SiteFooter;
pub use header::SiteHeader;
pub use language_switch::LanguageSwitch;
pub use staff_table::{Refused, TableHead};
