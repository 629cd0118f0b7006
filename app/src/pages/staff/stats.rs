//! `/staff/stats`: how the check is used, as charts drawn on the server with a table of the
//! same figures beside each (for screen readers, and without JavaScript alike).

use crate::components::{PageTitle, Refused};
use crate::head_text;
use crate::i18n::{Locale, dates};
use crate::stats_api::{self, COLOURS, Chart, Counts, IncidentTotals, Span, load_stats};
use crate::{use_locale, use_strings};
use leptos::prelude::*;

type Label = fn(&'static crate::i18n::Strings) -> &'static str;

/// The series' names, in the order of [`Counts::values`].
const SERIES: [Label; stats_api::SERIES] = [
    |s| s.stats.lookups,
    |s| s.stats.affected,
    |s| s.stats.limited,
    |s| s.stats.busy,
    |s| s.stats.domain_checks,
];

fn when(locale: Locale, span: Span, start: &str) -> String {
    match span {
        Span::Day => dates::moment(locale, &format!("{start} JST")),
        _ => dates::date(locale, start),
    }
}

#[component]
fn ChartFigure(chart: Chart, index: usize) -> impl IntoView {
    let s = use_strings();
    let locale = use_locale();
    let span = chart.span;
    let heading: Label = match span {
        Span::Day => |s| s.stats.day,
        Span::Week => |s| s.stats.week,
        Span::SincePublication => |s| s.stats.since_publication,
    };
    let heading_id = format!("stats-{index}");
    let legend = SERIES
        .iter()
        .zip(COLOURS)
        .map(|(name, colour)| {
            let name = *name;
            view! {
                <li>
                    // A drawing, not a style attribute: the CSP refuses inline styles.
                    <svg class="swatch" viewBox="0 0 24 6" aria-hidden="true">
                        <rect width="24" height="6" fill=colour></rect>
                    </svg>
                    {move || name(s())}
                </li>
            }
        })
        .collect_view();
    let head = SERIES
        .iter()
        .map(|name| {
            let name = *name;
            view! { <th scope="col">{move || name(s())}</th> }
        })
        .collect_view();
    let cells = |counts: Counts| {
        counts
            .values()
            .into_iter()
            .map(|value| view! { <td class="number">{value}</td> })
            .collect_view()
    };
    let rows = chart
        .buckets
        .iter()
        .map(|bucket| {
            let start = bucket.start.clone();
            view! {
                <tr>
                    <th scope="row">{move || when(locale.get(), span, &start)}</th>
                    {cells(bucket.counts)}
                </tr>
            }
        })
        .collect_view();
    let first_column = move || {
        if span == Span::Day {
            s().stats.hour
        } else {
            s().stats.date
        }
    };
    view! {
        <section class="stats-chart" aria-labelledby=heading_id.clone()>
            <h2 id=heading_id.clone()>{move || heading(s())}</h2>
            <figure>
                <div
                    class="chart"
                    role="img"
                    aria-label=move || format!("{}: {}", heading(s()), s().stats.chart_label)
                    inner_html=chart.svg.clone()
                ></div>
                <figcaption>
                    <ul class="legend">{legend}</ul>
                </figcaption>
            </figure>
            <div class="table-wrap" tabindex="0">
                <table class="staff-table">
                    <caption>{move || heading(s())}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{first_column}</th>
                            {head}
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                    <tfoot>
                        <tr class="totals">
                            <th scope="row">{move || s().stats.total}</th>
                            {cells(chart.totals)}
                        </tr>
                    </tfoot>
                </table>
            </div>
        </section>
    }
}

#[component]
fn IncidentTable(incidents: Vec<IncidentTotals>) -> impl IntoView {
    let s = use_strings();
    let locale = use_locale();
    if incidents.is_empty() {
        return view! { <p>{move || s().stats.no_incidents}</p> }.into_any();
    }
    let rows = incidents
        .into_iter()
        .map(|incident| {
            let title = incident.title;
            view! {
                <tr>
                    <th scope="row">
                        {move || title.get(locale.get()).clone()}
                        " (" {incident.slug} ")"
                    </th>
                    <td class="number">{incident.lookups}</td>
                    <td class="number">{incident.affected}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap" tabindex="0">
            <table class="staff-table">
                <caption>{move || s().stats.incidents}</caption>
                <thead>
                    <tr>
                        <th scope="col">{move || s().stats.incident}</th>
                        <th scope="col">{move || s().stats.incident_lookups}</th>
                        <th scope="col">{move || s().stats.incident_affected}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
pub fn StaffStatsPage() -> impl IntoView {
    let s = use_strings();
    let stats = Resource::new_blocking(|| (), |_| load_stats());
    let body = move || {
        Suspend::new(async move {
            match stats.await {
                Ok(view) => {
                    let published = view.charts.iter().any(|c| c.span == Span::SincePublication);
                    let charts = view
                        .charts
                        .into_iter()
                        .enumerate()
                        .map(|(index, chart)| view! { <ChartFigure chart index/> })
                        .collect_view();
                    let incidents = view.incidents;
                    view! {
                        {charts}
                        {(!published)
                            .then(|| view! { <p class="notice">{move || s().stats.none_published}</p> })}
                        <section class="stats-incidents" aria-labelledby="stats-incidents">
                            <h2 id="stats-incidents">{move || s().stats.incidents}</h2>
                            <p>{move || s().stats.incidents_intro}</p>
                            <IncidentTable incidents/>
                        </section>
                    }
                    .into_any()
                }
                Err(_) => view! { <Refused/> }.into_any(),
            }
        })
    };
    view! {
        <PageTitle text=head_text(|s| s.stats.title.to_owned())/>
        <h1>{move || s().stats.title}</h1>
        <p>{move || s().stats.intro}</p>
        <p>
            <a class="csv" href="/staff/stats.csv">{move || s().stats.csv}</a>
        </p>
        <Suspense fallback=move || view! { <p>{move || s().loading}</p> }>{body}</Suspense>
    }
}
