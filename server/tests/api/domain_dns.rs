//! The DNS proof of control against a real DNS server started here: hickory-server, in
//! this process, authoritative for a test zone.

use crate::helpers::dns::TestDns;
use breachcheck::check::domain::Token;
use breachcheck::identifier::Domain;
use server::domain_control::dns::{DnsOutcome, DnsVerifier, record_name};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_txt_record_proves_control_and_anything_else_is_named() {
    let good = Domain::parse("example-good.co.jp").unwrap();
    let wrong = Domain::parse("example-wrong.co.jp").unwrap();
    let token = Token::parse("0123456789abcdef0123456789abcdef").unwrap();
    let records = vec![
        (
            record_name(&good),
            format!("breachcheck-verification={}", token.as_str()),
        ),
        (
            record_name(&wrong),
            "breachcheck-verification=ffffffffffffffffffffffffffffffff".to_owned(),
        ),
    ];
    let dns = TestDns::start("co.jp").await;
    for (name, value) in &records {
        dns.add_txt(name, value).await;
    }
    let verifier = DnsVerifier::new(Some(dns.address)).unwrap();

    assert_eq!(verifier.check(&good, &token).await, DnsOutcome::Verified);
    assert_eq!(
        verifier.check(&wrong, &token).await,
        DnsOutcome::WrongToken {
            found: vec!["breachcheck-verification=ffffffffffffffffffffffffffffffff".into()]
        }
    );
    let missing = Domain::parse("example-missing.co.jp").unwrap();
    assert_eq!(verifier.check(&missing, &token).await, DnsOutcome::NoRecord);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_resolver_is_a_failure_not_an_absence() {
    // Nothing listens here: the resolver times out.
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let silent = socket.local_addr().unwrap();
    let verifier = DnsVerifier::new(Some(silent)).unwrap();
    let domain = Domain::parse("example.com").unwrap();
    let token = Token::parse("0123456789abcdef0123456789abcdef").unwrap();
    assert_eq!(verifier.check(&domain, &token).await, DnsOutcome::Failed);
    drop(socket);
}
