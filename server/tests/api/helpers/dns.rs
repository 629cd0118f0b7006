//! A real DNS server started in the test's process: hickory-server, authoritative for a test
//! zone whose TXT records a test adds as it goes.

use hickory_server::Server;
use hickory_server::proto::rr::rdata::{SOA, TXT};
use hickory_server::proto::rr::{LowerName, Name, RData, Record};
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{AxfrPolicy, Catalog, ZoneType};
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
