//! The public check as a visitor's browser posts it: the form, a solved proof of work, the
//! answer page read back, and limits generous enough for tests that are not about limits.

use super::TestApp;
use breachcheck::check::pow::{self, Challenge, Solution};
use reqwest::StatusCode;
use server::Settings;
use std::time::{Duration, Instant};

pub struct Answer {
    pub status: StatusCode,
    pub retry_after: Option<String>,
    pub body: String,
    pub took: Duration,
}

impl Answer {
    pub fn outcome(&self) -> Option<&'static str> {
        if self.body.contains(r#"data-outcome="affected""#) {
            Some("affected")
        } else if self.body.contains(r#"data-outcome="not-affected""#) {
            Some("not-affected")
        } else {
            None
        }
    }

    /// The page without what differs between any two responses: the CSP nonce, the
    /// reference code (derived from the number asked about), the number itself and the
    /// time of the answer.
    pub fn normalised(&self) -> String {
        let mut text = self.body.clone();
        for (start, end) in [
            ("nonce=\"", "\""),
            ("crossorigin=\"", "\""),
            ("reference-code\">", "<"),
        ] {
            let mut from = 0;
            while let Some(at) = text[from..].find(start) {
                let begin = from + at + start.len();
                let stop = begin + text[begin..].find(end).unwrap();
                text.replace_range(begin..stop, "");
                from = begin;
            }
        }
        let code = self.reference();
        let mut text = text.replace(&code, "");
        for shown in [
            self.between("class=\"asked\">", "<"),
            self.between("class=\"answered-at\">", "<"),
        ]
        .into_iter()
        .flatten()
        {
            text = text.replace(&shown, "");
        }
        text
    }

    /// The text after the first `start` up to the next `end`, if there is one.
    pub fn between(&self, start: &str, end: &str) -> Option<String> {
        let begin = self.body.find(start)? + start.len();
        let stop = begin + self.body[begin..].find(end)?;
        Some(self.body[begin..stop].to_owned())
    }

    pub fn reference(&self) -> String {
        let start = self.body.find("reference-code\">").unwrap() + "reference-code\">".len();
        self.body[start..start + 11].to_owned()
    }
}

/// Posts the public form in English from `forwarded_for` (an `X-Forwarded-For` value).
pub async fn check(app: &TestApp, form: &[(&str, &str)], forwarded_for: Option<&str>) -> Answer {
    let mut request = app
        .form("/check", form)
        .header("cookie", "breachcheck_lang=en");
    if let Some(address) = forwarded_for {
        request = request.header("x-forwarded-for", address);
    }
    let started = Instant::now();
    let response = request.send().await.unwrap();
    let status = response.status();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body = response.text().await.unwrap();
    Answer {
        status,
        retry_after,
        body,
        took: started.elapsed(),
    }
}

/// A challenge from the page's server function, solved as the hydrated page does.
pub async fn solved_challenge(app: &TestApp) -> Solution {
    let response = app.form("/api/check/challenge", &[]).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let challenge: Challenge = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    pow::solve(&challenge).expect("the server's challenge is solvable")
}

pub fn with_proof<'a>(
    form: &[(&'a str, &'a str)],
    proof: &'a [(String, String); 4],
) -> Vec<(&'a str, &'a str)> {
    let mut all = form.to_vec();
    all.extend(proof.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    all
}

pub fn proof_fields(solution: &Solution) -> [(String, String); 4] {
    [
        ("pow_challenge".into(), solution.challenge.clone()),
        ("pow_number".into(), solution.number.to_string()),
        ("pow_salt".into(), solution.salt.clone()),
        ("pow_signature".into(), solution.signature.clone()),
    ]
}

/// Limits high enough that a test of answers never meets them.
pub fn generous(settings: &mut Settings) {
    for limit in [
        &mut settings.lookup_limit_address,
        &mut settings.lookup_limit_noscript,
        &mut settings.lookup_limit_identifier,
    ] {
        *limit = Some("1000/10m".into());
    }
}
