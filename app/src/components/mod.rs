mod check_answer;
mod code_input;
mod footer;
mod header;
mod helpdesk;
mod language_switch;
mod notice_article;
mod safe_text;
mod staff_table;

pub use check_answer::{CheckAnswer, CheckNotice};
pub use code_input::CodeInput;
pub use footer::SiteFooter;
pub use header::SiteHeader;
pub use helpdesk::HelpdeskDetails;
pub use language_switch::LanguageSwitch;
pub use notice_article::NoticeArticle;
pub use safe_text::{PageTitle, TextArea};
pub use staff_table::{Refused, TableHead};
