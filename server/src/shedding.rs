//! Load shedding where the work is. The routes that cost real work (public lookups, which
//! hash; the staff area, rendered per request; sign-in, which hashes; uploads, which read
//! and hash a whole list) each have a number of requests that may be in progress at once.
//! One more is answered 503 with `Retry-After` at once, instead of queueing behind the
//! others for the database or the hashing pool while its client gives up. Everything else
//! (the cached home and notice pages, static files, the feed and the JSON API, which has its
//! own rate limit) is never held back by them.
//!
//! Signed-in staff have places of their own: a flood of sign-in attempts or of public
//! lookups, which anyone can send, cannot fill them. This runs after the session cookie
//! was read (`staff_auth::authenticate`), so it knows who is signed in.
//!
//! Public lookups also have a few places per client (behind a trusted proxy, the client
//! the proxy reports): one address flooding the check fills its own places, not everyone's.
//!
//! A place is a semaphore permit (or a count with a guard) held by the request's future: a
//! request dropped half-way (client gone, timeout) gives it back.

use crate::client_ip::{TrustedProxies, rate_subject};
use crate::plain::Plain;
use axum::{
    body::Body,
    extract::{ConnectInfo, State},
    http::{Method, Request},
    middleware::Next,
    response::{IntoResponse, Response},
};
use breachcheck::staff::sign_in::SignedIn;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;

/// Requests in progress at once, per group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Concurrency {
    pub lookups: usize,
    /// Public lookups of one client in progress at once.
    pub lookups_per_client: usize,
    pub staff: usize,
    pub uploads: usize,
}

/// The groups' places, shared by every request of this process.
#[derive(Clone, Debug)]
pub struct Shedding {
    lookups: Arc<Semaphore>,
    staff: Arc<Semaphore>,
    anonymous_staff: Arc<Semaphore>,
    uploads: Arc<Semaphore>,
    clients: ClientPlaces,
    trusted_proxies: TrustedProxies,
}

impl Shedding {
    pub fn new(concurrency: Concurrency, trusted_proxies: TrustedProxies) -> Self {
        Self {
            clients: ClientPlaces::new(concurrency.lookups_per_client),
            trusted_proxies,
            lookups: Arc::new(Semaphore::new(concurrency.lookups)),
            staff: Arc::new(Semaphore::new(concurrency.staff)),
            anonymous_staff: Arc::new(Semaphore::new(concurrency.staff)),
            uploads: Arc::new(Semaphore::new(concurrency.uploads)),
        }
    }

    /// The group a request belongs to, if any.
    fn group(&self, method: &Method, path: &str, signed_in: bool) -> Option<Group> {
        let public_lookup =
            method == Method::POST && (path == "/check" || path.starts_with("/check/domain"));
        if public_lookup {
            Some(Group::Lookups)
        } else if method == Method::POST && path == "/staff/datasets" {
            Some(Group::Uploads)
        } else if path.starts_with("/staff") || path.starts_with("/api/staff/") {
            Some(if signed_in {
                Group::Staff
            } else {
                Group::AnonymousStaff
            })
        } else {
            None
        }
    }

    fn places(&self, group: Group) -> &Arc<Semaphore> {
        match group {
            Group::Lookups => &self.lookups,
            Group::Uploads => &self.uploads,
            Group::Staff => &self.staff,
            Group::AnonymousStaff => &self.anonymous_staff,
        }
    }
}

/// A group of expensive routes with places of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Group {
    Lookups,
    Uploads,
    Staff,
    AnonymousStaff,
}

impl Group {
    /// Its name in the metrics.
    fn as_str(self) -> &'static str {
        match self {
            Group::Lookups => "lookups",
            Group::Uploads => "uploads",
            Group::Staff => "staff",
            Group::AnonymousStaff => "anonymous-staff",
        }
    }
}

pub async fn shed(
    State(shedding): State<Arc<Shedding>>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let signed_in = request.extensions().get::<SignedIn>().is_some();
    let Some(group) = shedding.group(request.method(), request.uri().path(), signed_in) else {
        return next.run(request).await;
    };
    let client_place = if group == Group::Lookups {
        let peer = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
        let client = shedding.trusted_proxies.client(peer, request.headers());
        match shedding.clients.take(rate_subject(client)) {
            Some(place) => Some(place),
            None => return shed_answer(request.uri().path(), "lookups-per-client"),
        }
    } else {
        None
    };
    let Ok(_place) = shedding.places(group).clone().try_acquire_owned() else {
        drop(client_place);
        return shed_answer(request.uri().path(), group.as_str());
    };
    let response = next.run(request).await;
    drop(client_place);
    response
}

/// 503 with `Retry-After`, at once.
fn shed_answer(path: &str, group: &'static str) -> Response {
    tracing::debug!(%path, group, "shed: too many requests in progress");
    metrics::counter!("breachcheck_shed_total", "group" => group).increment(1);
    Plain::Busy.into_response()
}

/// Places per client: how many requests of each client are in progress.
#[derive(Clone, Debug)]
struct ClientPlaces {
    each: usize,
    taken: Arc<Mutex<HashMap<String, usize>>>,
}

impl ClientPlaces {
    fn new(each: usize) -> Self {
        Self {
            each: each.max(1),
            taken: Arc::default(),
        }
    }

    fn take(&self, client: String) -> Option<ClientPlace> {
        let mut taken = self.taken.lock().expect("lock not poisoned");
        let count = taken.entry(client.clone()).or_insert(0);
        if *count >= self.each {
            return None;
        }
        *count += 1;
        Some(ClientPlace {
            places: self.clone(),
            client,
        })
    }
}

/// One client's place, given back when dropped (the request answered or abandoned).
struct ClientPlace {
    places: ClientPlaces,
    client: String,
}

impl Drop for ClientPlace {
    fn drop(&mut self) {
        let mut taken = self.places.taken.lock().expect("lock not poisoned");
        if let Some(count) = taken.get_mut(&self.client) {
            *count -= 1;
            if *count == 0 {
                taken.remove(&self.client);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_expensive_routes_are_grouped_and_staff_have_their_own_places() {
        let shedding = Shedding::new(
            Concurrency {
                lookups: 1,
                lookups_per_client: 1,
                staff: 1,
                uploads: 1,
            },
            TrustedProxies::default(),
        );
        let named = |group: Option<Group>| group.map(Group::as_str);
        let group = |method: Method, path: &str| named(shedding.group(&method, path, false));
        let signed_in = |method: Method, path: &str| named(shedding.group(&method, path, true));
        assert_eq!(group(Method::POST, "/check"), Some("lookups"));
        assert_eq!(
            group(Method::POST, "/check/domain/c/abc/dns"),
            Some("lookups")
        );
        assert_eq!(group(Method::POST, "/staff/login"), Some("anonymous-staff"));
        assert_eq!(group(Method::GET, "/staff"), Some("anonymous-staff"));
        // The helpdesk's lookups are not held back by the public's.
        assert_eq!(signed_in(Method::POST, "/staff/lookup"), Some("staff"));
        assert_eq!(signed_in(Method::POST, "/staff/datasets"), Some("uploads"));
        assert_eq!(signed_in(Method::GET, "/staff/datasets"), Some("staff"));
        assert_eq!(signed_in(Method::POST, "/api/staff/dataset"), Some("staff"));
        for (method, path) in [
            (Method::GET, "/"),
            (Method::GET, "/incidents/order-system"),
            (Method::GET, "/check"),
            (Method::POST, "/api/check/challenge"),
            (Method::GET, "/pkg/breachcheck.css"),
            (Method::GET, "/api/v1/incidents"),
        ] {
            assert_eq!(group(method.clone(), path), None, "{path}");
            assert_eq!(signed_in(method, path), None, "{path}");
        }
    }

    #[test]
    fn a_client_fills_only_its_own_places_and_gets_them_back() {
        let places = ClientPlaces::new(2);
        let first = places.take("198.51.100.1".into()).expect("a first place");
        let second = places.take("198.51.100.1".into()).expect("a second place");
        assert!(places.take("198.51.100.1".into()).is_none(), "two at most");
        let other = places.take("198.51.100.2".into());
        assert!(other.is_some(), "another client is not held back");
        drop(first);
        assert!(
            places.take("198.51.100.1".into()).is_some(),
            "a place given back"
        );
        drop((second, other));
        assert!(
            places.taken.lock().unwrap().is_empty(),
            "nothing is kept of a client with no request in progress"
        );
    }
}
