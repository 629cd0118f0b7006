//! The DNS proof of control against a real DNS server started here: hickory-server, in
//! this process, authoritative for a test zone.

use breachcheck::check::domain::Token;
use breachcheck::identifier::Domain;
use hickory_server::Server;
use hickory_server::proto::rr::rdata::{SOA, TXT};
use hickory_server::proto::rr::{LowerName, Name, RData, Record};
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{AxfrPolicy, Catalog, ZoneType};
use server::domain::dns::{DnsOutcome, DnsVerifier, record_name};
use std::net::SocketAddr;
use std::sync::Arc;

type Zone = InMemoryZoneHandler<hickory_server::net::runtime::TokioRuntimeProvider>;

/// An authoritative server for a zone on a free port of 127.0.0.1, whose TXT records a
/// test adds as it goes. Serves until the test's runtime ends.
pub struct TestDns {
    pub address: SocketAddr,
    zone: Arc<Zone>,
}

impl TestDns {
    pub async fn start(zone: &str) -> Self {
        let origin = Name::from_ascii(format!("{zone}.")).unwrap();
        let mut handler = Zone::empty(origin.clone(), ZoneType::Primary, AxfrPolicy::Deny);
        let soa = SOA::new(
            Name::from_ascii(format!("ns.{zone}.")).unwrap(),
            Name::from_ascii(format!("hostmaster.{zone}.")).unwrap(),
            1,
            3600,
            600,
            86400,
            60,
        );
        handler.upsert_mut(Record::from_rdata(origin.clone(), 60, RData::SOA(soa)), 1);
        let handler = Arc::new(handler);
        let mut catalog = Catalog::new();
        catalog.upsert(LowerName::new(&origin), vec![handler.clone()]);
        let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let address = socket.local_addr().unwrap();
        let mut server = Server::new(catalog);
        server.register_socket(socket);
        tokio::spawn(async move {
            let _ = server.block_until_done().await;
        });
        Self {
            address,
            zone: handler,
        }
    }

    /// Adds a TXT record (another value at a name adds to its set).
    pub async fn add_txt(&self, name: &str, value: &str) {
        let name = Name::from_ascii(format!("{name}.")).unwrap();
        let record = Record::from_rdata(name, 60, RData::TXT(TXT::new(vec![value.to_owned()])));
        self.zone.upsert(record, 2).await;
    }
}

#[tokio::test]
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

#[tokio::test]
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
