//! A cached page sent gzip-compressed without compressing it per response. The page
//! changes per response only where its CSP nonce goes, so each fixed part is compressed
//! once, when the page is kept, into deflate blocks that end on a byte boundary and refer
//! to nothing outside the part; a response is those parts with the fresh nonce between
//! them as stored (uncompressed) blocks, a final empty block, and the gzip trailer, whose
//! CRC is combined from the parts' CRCs and the nonce's. Deflate allows any sequence of
//! blocks (RFC 1951 §3.2.3-4), so every gzip decoder reads it.

use axum::body::Bytes;
use flate2::{Compression, write::DeflateEncoder};
use std::io::Write;

/// gzip's fixed header: deflate, no name or time, unknown OS (RFC 1952 §2.3).
const HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
/// A final, empty stored block: the end of the deflate stream.
const LAST_BLOCK: [u8; 5] = [0x01, 0x00, 0x00, 0xff, 0xff];

pub struct GzipParts {
    /// Each part as non-final deflate blocks, ending on a byte boundary.
    compressed: Vec<Bytes>,
    /// Each part's CRC-32 and length, to combine with the nonce's.
    crcs: Vec<crc32fast::Hasher>,
    /// The page's length without the nonces.
    fixed_len: u64,
}

impl GzipParts {
    pub fn new(parts: &[Bytes]) -> Self {
        let compressed = parts.iter().map(|part| deflate(part)).collect();
        let crcs = parts
            .iter()
            .map(|part| {
                let mut crc = crc32fast::Hasher::new();
                crc.update(part);
                crc
            })
            .collect();
        Self {
            compressed,
            crcs,
            fixed_len: parts.iter().map(|p| p.len() as u64).sum(),
        }
    }

    /// The whole page as gzip, with `nonce` between each two parts.
    pub fn with_nonce(&self, nonce: &[u8]) -> Vec<u8> {
        let gaps = self.compressed.len().saturating_sub(1);
        let stored = stored_block(nonce);
        let size = HEADER.len()
            + self.compressed.iter().map(Bytes::len).sum::<usize>()
            + gaps * stored.len()
            + LAST_BLOCK.len()
            + 8;
        let mut out = Vec::with_capacity(size);
        out.extend_from_slice(&HEADER);
        let mut crc = crc32fast::Hasher::new();
        let mut nonce_crc = crc32fast::Hasher::new();
        nonce_crc.update(nonce);
        for (i, (part, part_crc)) in self.compressed.iter().zip(&self.crcs).enumerate() {
            if i > 0 {
                out.extend_from_slice(&stored);
                crc.combine(&nonce_crc);
            }
            out.extend_from_slice(part);
            crc.combine(part_crc);
        }
        out.extend_from_slice(&LAST_BLOCK);
        let len = self.fixed_len + (gaps * nonce.len()) as u64;
        out.extend_from_slice(&crc.finalize().to_le_bytes());
        // ISIZE is the length modulo 2^32 by definition.
        out.extend_from_slice(&(len as u32).to_le_bytes());
        out
    }
}

/// `data` as deflate blocks, none of them final, flushed to a byte boundary.
fn deflate(data: &[u8]) -> Bytes {
    let mut encoder = DeflateEncoder::new(Vec::new(), Compression::best());
    encoder
        .write_all(data)
        .expect("writing to memory does not fail");
    // A sync flush ends the blocks on a byte boundary without a final block.
    encoder.flush().expect("writing to memory does not fail");
    // Taken before the encoder is dropped (dropping it would finish the stream).
    Bytes::from(std::mem::take(encoder.get_mut()))
}

/// `data` (a nonce: far shorter than 64 KiB) as one stored, non-final block.
fn stored_block(data: &[u8]) -> Vec<u8> {
    let len = u16::try_from(data.len()).expect("a nonce is short");
    let mut block = Vec::with_capacity(5 + data.len());
    block.push(0x00);
    block.extend_from_slice(&len.to_le_bytes());
    block.extend_from_slice(&(!len).to_le_bytes());
    block.extend_from_slice(data);
    block
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn gunzip(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(data)
            .read_to_end(&mut out)
            .expect("a valid gzip stream (header, blocks, CRC and length checked)");
        out
    }

    #[test]
    fn the_spliced_stream_is_the_page_with_its_nonce() {
        // A page has its nonce in a few places, between long stretches of markup.
        let page = format!(
            "<html>{}<script nonce=\"N\">1</script>",
            "<p>text</p>".repeat(300)
        )
        .repeat(3);
        let parts: Vec<Bytes> = page
            .split('N')
            .map(|p| Bytes::copy_from_slice(p.as_bytes()))
            .collect();
        let gzip = GzipParts::new(&parts);
        for nonce in ["abcDEF123", "zz", ""] {
            let expected = page.replace('N', nonce);
            assert_eq!(
                gunzip(&gzip.with_nonce(nonce.as_bytes())),
                expected.as_bytes()
            );
        }
        assert!(
            gzip.with_nonce(b"abc").len() < page.len() / 4,
            "it compresses"
        );
    }

    #[test]
    fn a_page_without_a_nonce_is_one_part() {
        let gzip = GzipParts::new(&[Bytes::from_static(b"hello")]);
        assert_eq!(gunzip(&gzip.with_nonce(b"unused")), b"hello");
        let empty = GzipParts::new(&[Bytes::new()]);
        assert_eq!(gunzip(&empty.with_nonce(b"")), b"");
    }
}
