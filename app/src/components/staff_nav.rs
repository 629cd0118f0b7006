//! The staff area's navigation, on every staff page once someone is signed in: who it is
//! and in which role, the pages that role can use, and sign-out. A page a role cannot use
//! is not offered; the server refuses it all the same (every server function checks the
//! caller's role), so this list is a convenience, not a permission.

use crate::i18n::Strings;
use crate::pages::staff::StaffView;
use crate::use_strings;
use breachcheck::staff::Role;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// The staff pages the navigation offers, in its order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StaffPage {
    Home,
    Lookup,
    Incidents,
    Lists,
    Stats,
    Audit,
    Users,
    Account,
}

impl StaffPage {
    pub const ALL: [StaffPage; 8] = [
        StaffPage::Home,
        StaffPage::Lookup,
        StaffPage::Incidents,
        StaffPage::Lists,
        StaffPage::Stats,
        StaffPage::Audit,
        StaffPage::Users,
        StaffPage::Account,
    ];

    pub fn path(self) -> &'static str {
        match self {
            StaffPage::Home => "/staff",
            StaffPage::Lookup => "/staff/lookup",
            StaffPage::Incidents => "/staff/incidents",
            StaffPage::Lists => "/staff/datasets",
            StaffPage::Stats => "/staff/stats",
            StaffPage::Audit => "/staff/audit",
            StaffPage::Users => "/staff/users",
            StaffPage::Account => "/staff/account",
        }
    }

    fn label(self, s: &'static Strings, role: Role) -> &'static str {
        match self {
            // The helpdesk's audit page lists their own lookups only.
            StaffPage::Audit if role == Role::Helpdesk => s.audit.own_title,
            StaffPage::Home => s.nav_home,
            StaffPage::Lookup => s.nav_lookup,
            StaffPage::Incidents => s.nav_incidents,
            StaffPage::Lists => s.nav_lists,
            StaffPage::Stats => s.nav_stats,
            StaffPage::Audit => s.nav_audit,
            StaffPage::Users => s.nav_users,
            StaffPage::Account => s.nav_account,
        }
    }

    /// Whether `role` can use the page (the server decides the same, per server function).
    pub fn open_to(self, role: Role) -> bool {
        match self {
            StaffPage::Home
            | StaffPage::Lookup
            | StaffPage::Stats
            | StaffPage::Audit
            | StaffPage::Account => true,
            StaffPage::Incidents | StaffPage::Lists | StaffPage::Users => role == Role::Admin,
        }
    }

    /// The item a path belongs to: the page itself or one below it (`/staff/datasets/7`
    /// is among the lists). Home only for itself.
    fn holds(self, path: &str) -> bool {
        let own = self.path();
        match self {
            StaffPage::Home => path == own,
            // The incident notices live under the incidents.
            _ => {
                path == own
                    || path
                        .strip_prefix(own)
                        .is_some_and(|rest| rest.starts_with('/'))
                    || (self == StaffPage::Lists && path.starts_with("/staff/imports/"))
            }
        }
    }
}

#[component]
pub fn StaffNav() -> impl IntoView {
    let me = StaffView::from_request();
    let path = use_location().pathname.get_untracked();
    me.role.filter(|_| path.starts_with("/staff")).map(|role| {
        let s = use_strings();
        let items = StaffPage::ALL
            .into_iter()
            .filter(|page| page.open_to(role))
            .map(|page| {
                let current = page.holds(&path).then_some("page");
                view! {
                    <li>
                        <a href=page.path() aria-current=current>
                            {move || page.label(s(), role)}
                        </a>
                    </li>
                }
            })
            .collect_view();
        let role_name = move || match role {
            Role::Admin => s().staff_role_admin,
            Role::Helpdesk => s().staff_role_helpdesk,
        };
        view! {
            <nav class="staff-nav" aria-label=move || s().nav_label>
                <ul class="staff-nav__items">{items}</ul>
                <p class="staff-nav__who">
                    {move || s().staff_signed_in_as}
                    " "
                    <strong>{me.display_name.clone()}</strong>
                    " ("
                    {role_name}
                    ")"
                </p>
                <form class="staff-nav__sign-out" method="post" action="/staff/logout">
                    <button type="submit">{move || s().staff_sign_out}</button>
                </form>
            </nav>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_below_an_item_marks_that_item() {
        assert!(StaffPage::Home.holds("/staff"));
        assert!(!StaffPage::Home.holds("/staff/users"));
        assert!(StaffPage::Lists.holds("/staff/datasets/7"));
        assert!(StaffPage::Lists.holds("/staff/imports/3"));
        assert!(StaffPage::Incidents.holds("/staff/incidents/x/notice"));
        assert!(!StaffPage::Users.holds("/staff/usersx"));
    }

    #[test]
    fn the_helpdesk_is_offered_only_its_own_pages() {
        let offered: Vec<_> = StaffPage::ALL
            .into_iter()
            .filter(|p| p.open_to(Role::Helpdesk))
            .collect();
        assert_eq!(
            offered,
            vec![
                StaffPage::Home,
                StaffPage::Lookup,
                StaffPage::Stats,
                StaffPage::Audit,
                StaffPage::Account
            ]
        );
        assert!(StaffPage::ALL.into_iter().all(|p| p.open_to(Role::Admin)));
    }
}
