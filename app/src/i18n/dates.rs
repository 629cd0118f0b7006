//! Dates and times as each language writes them: `2025年2月5日` / `5 February 2025`, a
//! moment in Japan time with its zone written (`2025年2月5日 13:05 JST` /
//! `5 February 2025, 13:05 JST`), and a period that is one day written as that one day.
//!
//! Values travel between server and page in the machine form (`2025-02-05`, and
//! `2025-02-05 13:05 JST` from `breachcheck::clock`), which `<time datetime>` keeps; only
//! what a person reads is written here. Text that is not in the machine form is shown as it
//! is, never dropped.

use super::Locale;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Year, month and day of `YYYY-MM-DD`.
fn parts(iso: &str) -> Option<(u32, usize, u32)> {
    let mut fields = iso.split('-');
    let (year, month, day) = (fields.next()?, fields.next()?, fields.next()?);
    if fields.next().is_some() || year.len() != 4 || month.len() != 2 || day.len() != 2 {
        return None;
    }
    let month: usize = month.parse().ok()?;
    let day: u32 = day.parse().ok()?;
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some((
        year.parse().ok()?,
        month,
        day,
    ))
}

/// A calendar date: `2025年2月5日` / `5 February 2025`.
pub fn date(locale: Locale, iso: &str) -> String {
    let Some((year, month, day)) = parts(iso) else {
        return iso.to_owned();
    };
    match locale {
        Locale::Ja => format!("{year}年{month}月{day}日"),
        Locale::En => format!("{day} {} {year}", MONTHS[month - 1]),
    }
}

/// A moment in Japan time, from `YYYY-MM-DD HH:MM[:SS] JST`: `2025年2月5日 13:05 JST` /
/// `5 February 2025, 13:05 JST`.
pub fn moment(locale: Locale, text: &str) -> String {
    let Some((day, clock)) = text
        .strip_suffix(" JST")
        .and_then(|rest| rest.split_once(' '))
        .filter(|(day, _)| parts(day).is_some())
    else {
        return text.to_owned();
    };
    match locale {
        Locale::Ja => format!("{} {clock} JST", date(locale, day)),
        Locale::En => format!("{}, {clock} JST", date(locale, day)),
    }
}

/// A period of days; one written once when it starts and ends the same day. `None` when
/// neither end is known.
pub fn period(locale: Locale, from: Option<&str>, to: Option<&str>) -> Option<String> {
    let dash = match locale {
        Locale::Ja => "〜",
        Locale::En => " – ",
    };
    match (from, to) {
        (None, None) => None,
        (Some(from), Some(to)) if from == to => Some(date(locale, from)),
        (Some(from), Some(to)) => Some(format!("{}{dash}{}", date(locale, from), date(locale, to))),
        (Some(from), None) => Some(
            format!("{}{dash}", date(locale, from))
                .trim_end()
                .to_owned(),
        ),
        (None, Some(to)) => Some(
            format!("{dash}{}", date(locale, to))
                .trim_start()
                .to_owned(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_language_writes_a_date_its_own_way() {
        assert_eq!(date(Locale::Ja, "2025-02-05"), "2025年2月5日");
        assert_eq!(date(Locale::En, "2025-02-05"), "5 February 2025");
        assert_eq!(date(Locale::En, "2026-12-31"), "31 December 2026");
        for odd in ["", "2025-2-5", "2025-13-01", "2025-02-05x", "someday"] {
            assert_eq!(date(Locale::En, odd), odd, "shown as it is");
        }
    }

    #[test]
    fn a_moment_keeps_its_zone() {
        assert_eq!(
            moment(Locale::Ja, "2026-11-22 13:05 JST"),
            "2026年11月22日 13:05 JST"
        );
        assert_eq!(
            moment(Locale::En, "2026-11-22 13:05:06 JST"),
            "22 November 2026, 13:05:06 JST"
        );
        assert_eq!(moment(Locale::En, "soon"), "soon");
    }

    #[test]
    fn a_one_day_period_is_one_date() {
        let one = Some("2025-02-05");
        assert_eq!(
            period(Locale::En, one, one).as_deref(),
            Some("5 February 2025")
        );
        assert_eq!(
            period(Locale::Ja, one, Some("2025-02-07")).as_deref(),
            Some("2025年2月5日〜2025年2月7日")
        );
        assert_eq!(
            period(Locale::En, one, None).as_deref(),
            Some("5 February 2025 –")
        );
        assert_eq!(period(Locale::En, None, None), None);
    }
}
