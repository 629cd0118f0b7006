//! The staff statistics: the hourly counts of public lookups, over the last 24 hours, the
//! last 7 days and since the first list was published, each as a chart drawn on the server
//! (SVG, by `plotters`) with a table of the same figures beside it for screen readers and
//! for reading exact numbers; and each incident's answered lookups since counting began.
//! Counts only: nothing here identifies a customer.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One bucket's counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub lookups: i64,
    pub affected: i64,
    pub limited: i64,
    pub busy: i64,
    /// Domains whose control was proven (the domain self-check).
    pub domain_checks: i64,
}

impl Counts {
    #[cfg(feature = "ssr")]
    fn add(&mut self, other: Counts) {
        self.lookups += other.lookups;
        self.affected += other.affected;
        self.limited += other.limited;
        self.busy += other.busy;
        self.domain_checks += other.domain_checks;
    }

    /// The series in the order the charts, tables and CSV give them.
    pub fn values(self) -> [i64; SERIES] {
        [
            self.lookups,
            self.affected,
            self.limited,
            self.busy,
            self.domain_checks,
        ]
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Span {
    /// By hour.
    Day,
    /// By day, as all that follow.
    Week,
    SincePublication,
}

/// One bucket: an hour (`YYYY-MM-DD HH:00`) or a day (`YYYY-MM-DD`), Japan time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bucket {
    pub start: String,
    pub counts: Counts,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chart {
    pub span: Span,
    pub buckets: Vec<Bucket>,
    pub totals: Counts,
    /// The chart as SVG, drawn from the numbers alone (no text a person typed).
    pub svg: String,
}

/// One incident's answered lookups since counting began.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentTotals {
    pub slug: String,
    pub title: crate::i18n::Localized<String>,
    /// Answers that covered the incident (its list was published).
    pub lookups: i64,
    /// Of those, the answers that said "affected" by it.
    pub affected: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatsView {
    /// The last 24 hours and 7 days, and since publication once a list was published.
    pub charts: Vec<Chart>,
    /// Every incident, oldest first, with its counts (zero where no answer covered it).
    pub incidents: Vec<IncidentTotals>,
}

/// How many series the charts draw.
pub const SERIES: usize = 5;

/// The colours of the series, in [`Counts::values`] order (the page's legend uses them
/// too).
pub const COLOURS: [&str; SERIES] = ["#1f4e79", "#b03a2e", "#7d6608", "#6c3483", "#117a65"];

/// The counts, for any signed-in staff member (the helpdesk reads them too).
#[server(endpoint = "staff/stats", output = crate::codec::TextJson)]
pub async fn load_stats() -> Result<StatsView, ServerFnError> {
    use crate::staff_api::access;
    access::caller()?;
    let db = expect_context::<breachcheck::storage::Database>();
    source::view(&db, breachcheck::now_millis())
        .await
        .map_err(access::internal)
}

#[cfg(feature = "ssr")]
pub mod source {
    use super::*;
    use breachcheck::check::stats::{self, HourCounts};
    use breachcheck::clock::{japan_date, japan_day_number, japan_day_number_start};
    use breachcheck::dataset::DatasetError;
    use breachcheck::storage::{Database, StorageError};

    const HOUR: i64 = 3_600_000;
    /// The longest "since publication" chart, in days.
    const MOST_DAYS: i64 = 400;

    fn counts(hour: &HourCounts) -> Counts {
        Counts {
            lookups: hour.lookups,
            affected: hour.affected,
            limited: hour.rate_limited,
            busy: hour.busy,
            domain_checks: hour.domain_checks,
        }
    }

    /// `YYYY-MM-DD HH:00` in Japan for the hour starting at `millis`.
    fn hour_label(millis: i64) -> String {
        let time = breachcheck::clock::japan_time(millis);
        format!("{}:00", time.get(..13).unwrap_or_default())
    }

    /// Every hour of the day up to now, every day of the week and since publication, with
    /// the hours that saw no lookup counted as zero.
    pub async fn view(db: &Database, now: i64) -> Result<StatsView, DatasetError> {
        let this_hour = now - now.rem_euclid(HOUR);
        let today = japan_day_number(now);
        let first = stats::first_publication(db).await?;
        let first_day = first
            .map(japan_day_number)
            .map(|day| day.max(today - MOST_DAYS + 1));
        let from_day = first_day.unwrap_or(today).min(today - 6);
        let hours = stats::since(db, japan_day_number_start(from_day)).await?;

        let by_hour: Vec<Bucket> = (0..24)
            .map(|back| this_hour - (23 - back) * HOUR)
            .map(|start| Bucket {
                start: hour_label(start),
                counts: hours
                    .iter()
                    .find(|h| h.hour == start)
                    .map(counts)
                    .unwrap_or_default(),
            })
            .collect();
        // Each day's counts, summed once for both daily charts.
        let mut days: std::collections::BTreeMap<i64, Counts> = Default::default();
        for hour in &hours {
            days.entry(japan_day_number(hour.hour))
                .or_default()
                .add(counts(hour));
        }
        let by_day = |range: std::ops::RangeInclusive<i64>| -> Vec<Bucket> {
            range
                .map(|day| Bucket {
                    start: japan_date(japan_day_number_start(day)),
                    counts: days.get(&day).copied().unwrap_or_default(),
                })
                .collect()
        };
        let mut charts = vec![
            chart(Span::Day, by_hour),
            chart(Span::Week, by_day(today - 6..=today)),
        ];
        if let Some(first_day) = first_day {
            charts.push(chart(Span::SincePublication, by_day(first_day..=today)));
        }
        Ok(StatsView {
            charts,
            incidents: incidents(db).await?,
        })
    }

    async fn incidents(db: &Database) -> Result<Vec<IncidentTotals>, DatasetError> {
        let totals = stats::incident_totals(db).await?;
        let mut incidents = breachcheck::dataset::incident::list(db).await?;
        incidents.sort_by_key(|incident| incident.id);
        Ok(incidents
            .into_iter()
            .map(|incident| {
                let counts = totals.get(&incident.id).copied().unwrap_or_default();
                IncidentTotals {
                    slug: incident.slug,
                    title: incident.title,
                    lookups: counts.lookups,
                    affected: counts.affected,
                }
            })
            .collect())
    }

    /// Every stored hour since the first publication (or the last seven days, if no list
    /// was published), oldest first: what the CSV export gives.
    pub async fn hourly(db: &Database, now: i64) -> Result<Vec<Bucket>, StorageError> {
        let today = japan_day_number(now);
        let from = match stats::first_publication(db).await? {
            Some(first) => japan_day_number(first)
                .max(today - MOST_DAYS + 1)
                .min(today - 6),
            None => today - 6,
        };
        let hours = stats::since(db, japan_day_number_start(from)).await?;
        Ok(hours
            .iter()
            .map(|hour| Bucket {
                start: hour_label(hour.hour),
                counts: counts(hour),
            })
            .collect())
    }

    fn chart(span: Span, buckets: Vec<Bucket>) -> Chart {
        let mut totals = Counts::default();
        for bucket in &buckets {
            totals.add(bucket.counts);
        }
        let svg = draw(span, &buckets);
        Chart {
            span,
            buckets,
            totals,
            svg,
        }
    }

    /// A line per series over the buckets. Axis labels are numbers only (an hour, or a
    /// month and day), so one drawing serves both languages; the words are in the page.
    fn draw(span: Span, buckets: &[Bucket]) -> String {
        use plotters::prelude::*;
        let mut svg = String::new();
        let most = buckets
            .iter()
            .flat_map(|b| b.counts.values())
            .max()
            .unwrap_or(0)
            .max(1);
        let last = buckets.len().saturating_sub(1).max(1) as i64;
        let label = |index: &i64| {
            let Some(bucket) = usize::try_from(*index).ok().and_then(|i| buckets.get(i)) else {
                return String::new();
            };
            let part = |range: std::ops::Range<usize>| bucket.start.get(range).unwrap_or_default();
            match span {
                Span::Day => part(11..13).to_owned(),
                _ => part(5..10).replace('-', "/"),
            }
        };
        let drawn = (|| -> Result<(), Box<dyn std::error::Error + '_>> {
            let root = SVGBackend::with_string(&mut svg, (720, 260)).into_drawing_area();
            root.fill(&WHITE)?;
            let mut chart = ChartBuilder::on(&root)
                .margin(12)
                .x_label_area_size(28)
                .y_label_area_size(48)
                .build_cartesian_2d(0..last, 0..most + most / 10 + 1)?;
            chart
                .configure_mesh()
                .x_labels(12)
                .y_labels(6)
                .x_label_formatter(&label)
                .draw()?;
            for (series, colour) in COLOURS.iter().enumerate() {
                let colour = parse_colour(colour);
                chart.draw_series(LineSeries::new(
                    buckets
                        .iter()
                        .enumerate()
                        .map(|(i, b)| (i as i64, b.counts.values()[series])),
                    colour.stroke_width(2),
                ))?;
            }
            root.present()?;
            Ok(())
        })();
        if let Err(error) = drawn {
            tracing::error!(%error, "a statistics chart could not be drawn");
            return String::new();
        }
        svg
    }

    fn parse_colour(hex: &str) -> plotters::style::RGBColor {
        let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0);
        plotters::style::RGBColor(channel(1), channel(3), channel(5))
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn a_chart_is_svg_with_a_line_per_series() {
            let buckets: Vec<Bucket> = (0..24)
                .map(|h| Bucket {
                    start: format!("2026-12-01 {h:02}:00"),
                    counts: Counts {
                        lookups: h,
                        affected: h / 2,
                        limited: 1,
                        busy: 0,
                        domain_checks: h % 3,
                    },
                })
                .collect();
            let svg = draw(Span::Day, &buckets);
            assert!(svg.starts_with("<svg"), "{svg}");
            // The axes are lines of width 1; each series is one line of width 2 in its colour.
            let svg = svg.to_uppercase();
            assert_eq!(svg.matches(r#"STROKE-WIDTH="2""#).count(), SERIES, "{svg}");
            for colour in COLOURS {
                let line = format!(r#"STROKE="{}" STROKE-WIDTH="2""#, colour.to_uppercase());
                assert_eq!(svg.matches(&line).count(), 1, "{colour}");
            }
        }
    }
}
