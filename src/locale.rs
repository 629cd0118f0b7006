//! The two languages every page is written in, and text given in both.
//!
//! Declared in the core (not beside the pages' strings) so that anything that carries text
//! in two languages (an incident's title, a category's label, a notice's wire form) has
//! one shape, [`Localized`], read the same way everywhere: `title.get(locale)`, never a
//! `title_ja`/`title_en` pair picked by hand.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    Ja,
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::Ja, Locale::En];

    pub fn code(self) -> &'static str {
        match self {
            Locale::Ja => "ja",
            Locale::En => "en",
        }
    }

    /// Accepts a bare language code; a regional tag (`en-GB`, `ja-JP`) counts as its language.
    pub fn from_code(code: &str) -> Option<Self> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "ja" => Some(Locale::Ja),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    /// The name of the language in that language, as a switch must show it.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::Ja => "日本語",
            Locale::En => "English",
        }
    }

    pub fn other(self) -> Self {
        match self {
            Locale::Ja => Locale::En,
            Locale::En => Locale::Ja,
        }
    }
}

/// One thing in both languages.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Localized<T> {
    pub ja: T,
    pub en: T,
}

impl<T> Localized<T> {
    pub fn new(ja: T, en: T) -> Self {
        Self { ja, en }
    }

    /// The one in `locale`'s language.
    pub fn get(&self, locale: Locale) -> &T {
        match locale {
            Locale::Ja => &self.ja,
            Locale::En => &self.en,
        }
    }

    /// Both, each made into something else the same way.
    pub fn map<U>(self, mut f: impl FnMut(T) -> U) -> Localized<U> {
        Localized {
            ja: f(self.ja),
            en: f(self.en),
        }
    }

    /// Both, each made into something else the same way, or the first refusal.
    pub fn try_map<U, E>(self, mut f: impl FnMut(T) -> Result<U, E>) -> Result<Localized<U>, E> {
        Ok(Localized {
            ja: f(self.ja)?,
            en: f(self.en)?,
        })
    }

    /// Both, borrowed.
    pub fn as_ref(&self) -> Localized<&T> {
        Localized {
            ja: &self.ja,
            en: &self.en,
        }
    }

    /// Both, each made from its own language.
    pub fn from_fn(mut f: impl FnMut(Locale) -> T) -> Self {
        Self {
            ja: f(Locale::Ja),
            en: f(Locale::En),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back_and_regional_tags_count_as_their_language() {
        for locale in Locale::ALL {
            assert_eq!(Locale::from_code(locale.code()), Some(locale));
            assert_eq!(locale.other().other(), locale);
        }
        assert_eq!(Locale::from_code("en-GB"), Some(Locale::En));
        assert_eq!(Locale::from_code("ja_JP"), Some(Locale::Ja));
        assert_eq!(Locale::from_code("fr"), None);
    }

    #[test]
    fn each_language_reads_its_own_text() {
        let title = Localized::new("題", "Title");
        assert_eq!(*title.get(Locale::Ja), "題");
        assert_eq!(*title.get(Locale::En), "Title");
        let made = Localized::from_fn(|locale| locale.code());
        assert_eq!(made, Localized::new("ja", "en"));
        assert_eq!(made.map(str::len), Localized::new(2, 2));
        let parsed = Localized::new("1", "x").try_map(|t| t.parse::<u8>());
        assert!(parsed.is_err());
        let parsed = Localized::new("1", "2").try_map(|t| t.parse::<u8>());
        assert_eq!(parsed, Ok(Localized::new(1, 2)));
    }
}
