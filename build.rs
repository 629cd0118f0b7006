// `sqlx::migrate!` embeds the migration directories when the crate is compiled, but cargo
// does not know that a new file there should rebuild it: without this, a migration added
// to a tree that was already built is silently left out until something else changes.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
