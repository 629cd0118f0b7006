//! Reading an uploaded list: which encoding it is in (strict UTF-8 first, else Shift_JIS /
//! CP932, else refused with the byte offset where each failed) and which delimiter it uses.
//! Both passes stream, so a file is never held decoded in memory.

use encoding_rs::{DecoderResult, SHIFT_JIS};
use std::io::Read;

pub use super::TextEncoding;

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error(
        "the file is neither UTF-8 (invalid byte at offset {utf8_offset}) nor Shift_JIS \
         (invalid byte at offset {shift_jis_offset})"
    )]
    UnknownEncoding {
        utf8_offset: u64,
        shift_jis_offset: u64,
    },
    #[error("the file is empty")]
    Empty,
    #[error("could not read the file: {0}")]
    Io(#[from] std::io::Error),
}

const CHUNK: usize = 64 * 1024;

/// Where the first invalid UTF-8 byte is, if any.
fn first_invalid_utf8(mut reader: impl Read) -> std::io::Result<Option<u64>> {
    let mut buffer = vec![0u8; CHUNK + 4];
    let mut carried = 0; // bytes of an incomplete character kept from the previous chunk
    let mut offset = 0u64; // file offset of buffer[0]
    loop {
        let read = reader.read(&mut buffer[carried..carried + CHUNK])?;
        let filled = carried + read;
        if read == 0 {
            return Ok((carried > 0).then_some(offset));
        }
        match std::str::from_utf8(&buffer[..filled]) {
            Ok(_) => {
                offset += filled as u64;
                carried = 0;
            }
            Err(e) if e.error_len().is_some() => return Ok(Some(offset + e.valid_up_to() as u64)),
            Err(e) => {
                let valid = e.valid_up_to();
                buffer.copy_within(valid..filled, 0);
                carried = filled - valid;
                offset += valid as u64;
            }
        }
    }
}

/// Where the first byte is that Shift_JIS cannot decode, if any.
fn first_invalid_shift_jis(mut reader: impl Read) -> std::io::Result<Option<u64>> {
    let mut decoder = SHIFT_JIS.new_decoder_without_bom_handling();
    let mut input = vec![0u8; CHUNK];
    let mut output = vec![0u8; CHUNK * 3];
    let mut offset = 0u64; // file offset of input[0]
    loop {
        let read = reader.read(&mut input)?;
        let last = read == 0;
        let mut start = 0;
        loop {
            let (result, consumed, _) =
                decoder.decode_to_utf8_without_replacement(&input[start..read], &mut output, last);
            start += consumed;
            match result {
                DecoderResult::InputEmpty => break,
                DecoderResult::OutputFull => continue,
                DecoderResult::Malformed(bad, after) => {
                    let at =
                        (offset + start as u64).saturating_sub(u64::from(bad) + u64::from(after));
                    return Ok(Some(at));
                }
            }
        }
        if last {
            return Ok(None);
        }
        offset += read as u64;
    }
}

/// What a file turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sniffed {
    pub encoding: TextEncoding,
    pub delimiter: u8,
}

/// Decides encoding and delimiter. `open` gives a fresh reader over the file each time.
pub fn sniff<R: Read>(open: impl Fn() -> std::io::Result<R>) -> Result<Sniffed, SourceError> {
    let encoding = match first_invalid_utf8(open()?)? {
        None => TextEncoding::Utf8,
        Some(utf8_offset) => match first_invalid_shift_jis(open()?)? {
            None => TextEncoding::ShiftJis,
            Some(shift_jis_offset) => {
                return Err(SourceError::UnknownEncoding {
                    utf8_offset,
                    shift_jis_offset,
                });
            }
        },
    };
    let mut first_line = String::new();
    let mut decoded = decode(open()?, encoding);
    let mut buffer = [0u8; 4096];
    loop {
        let read = decoded.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        first_line.push_str(&String::from_utf8_lossy(&buffer[..read]));
        if first_line.contains('\n') || first_line.len() > 64 * 1024 {
            break;
        }
    }
    let header = first_line.lines().next().unwrap_or_default();
    if header.trim().is_empty() {
        return Err(SourceError::Empty);
    }
    let delimiter = if header.matches('\t').count() > header.matches(',').count() {
        b'\t'
    } else {
        b','
    };
    Ok(Sniffed {
        encoding,
        delimiter,
    })
}

/// The file as UTF-8, decoded as it is read; a UTF-8 byte order mark is dropped.
pub fn decode<R: Read>(reader: R, encoding: TextEncoding) -> impl Read {
    let encoding = match encoding {
        TextEncoding::Utf8 => encoding_rs::UTF_8,
        TextEncoding::ShiftJis => SHIFT_JIS,
    };
    encoding_rs_io::DecodeReaderBytesBuilder::new()
        .encoding(Some(encoding))
        .build(reader)
}

/// Tells the line of the file a record starts on. The CSV reader counts `\n` only, so a
/// CR-only file (old Mac exports) would be all "line 1", and the byte offset it gives a
/// record is where it began reading it: before the blank lines it skipped, or on the `\n`
/// of a CRLF. This counts every line break (`\r\n`, `\r` or `\n`) in the bytes as the
/// reader pulls them through, and answers for a record's offset from its first byte that
/// is not a line break. Offsets are asked in increasing order, so only what the reader has
/// read ahead of the current record is held: memory does not grow with the file.
#[derive(Clone, Default)]
pub struct Lines(std::sync::Arc<std::sync::Mutex<LineStarts>>);

#[derive(Default)]
pub struct LineStarts {
    /// Offsets where a line begins (just after a break), not yet passed by a record.
    starts: std::collections::VecDeque<u64>,
    /// Offsets of the line-break bytes (`\r`, `\n`) not yet passed by a record.
    breaks: std::collections::VecDeque<u64>,
    /// Lines begun before the last record asked about.
    passed: u64,
    /// Bytes seen.
    offset: u64,
    after_cr: bool,
}

impl Lines {
    /// `reader`, counting line breaks as it is read.
    pub fn track<R: Read>(&self, reader: R) -> impl Read + use<R> {
        Counted {
            inner: reader,
            lines: self.clone(),
        }
    }

    /// The line (1-based) of the file on which the record at byte `offset` starts.
    pub fn line_at(&self, offset: u64) -> u64 {
        let mut lines = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let mut first = offset;
        while let Some(&at) = lines.breaks.front() {
            if at < first {
                lines.breaks.pop_front();
            } else if at == first {
                lines.breaks.pop_front();
                first += 1;
            } else {
                break;
            }
        }
        while lines.starts.front().is_some_and(|&start| start <= first) {
            lines.starts.pop_front();
            lines.passed += 1;
        }
        lines.passed + 1
    }
}

struct Counted<R> {
    inner: R,
    lines: Lines,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buf)?;
        let mut lines = self.lines.0.lock().unwrap_or_else(|e| e.into_inner());
        for &byte in &buf[..read] {
            let at = lines.offset;
            lines.offset += 1;
            match byte {
                // The line begins after the CR; the LF of a CRLF adds no second line.
                b'\r' => {
                    lines.breaks.push_back(at);
                    lines.starts.push_back(at + 1);
                    lines.after_cr = true;
                }
                b'\n' => {
                    lines.breaks.push_back(at);
                    if !lines.after_cr {
                        lines.starts.push_back(at + 1);
                    }
                    lines.after_cr = false;
                }
                _ => lines.after_cr = false,
            }
        }
        Ok(read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn sniff_bytes(bytes: &[u8]) -> Result<Sniffed, SourceError> {
        sniff(|| Ok(Cursor::new(bytes.to_vec())))
    }

    #[test]
    fn detects_utf8_with_and_without_bom_and_shift_jis() {
        let text = "契約番号,電話番号\nAB123456,03-1234-5678\n";
        let utf8 = sniff_bytes(text.as_bytes()).unwrap();
        assert_eq!(utf8.encoding, TextEncoding::Utf8);
        assert_eq!(utf8.delimiter, b',');
        let bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        assert_eq!(sniff_bytes(&bom).unwrap().encoding, TextEncoding::Utf8);
        let (sjis, _, _) = SHIFT_JIS.encode(text);
        assert_eq!(sniff_bytes(&sjis).unwrap().encoding, TextEncoding::ShiftJis);
        let mut decoded = String::new();
        decode(Cursor::new(sjis.to_vec()), TextEncoding::ShiftJis)
            .read_to_string(&mut decoded)
            .unwrap();
        assert_eq!(decoded, text);
        let mut decoded = String::new();
        decode(Cursor::new(bom), TextEncoding::Utf8)
            .read_to_string(&mut decoded)
            .unwrap();
        assert_eq!(decoded, text, "the BOM is dropped");
        let tsv = sniff_bytes("契約番号\t電話番号\nA,B\tC\n".as_bytes()).unwrap();
        assert_eq!(tsv.delimiter, b'\t');
    }

    #[test]
    fn a_file_in_neither_encoding_is_refused_with_offsets() {
        // Valid ASCII, then 0xFF: invalid in UTF-8 and in Shift_JIS at the same offset.
        let bytes = b"contract_number\nAB123456\n\xFF\xFFtail\n";
        match sniff_bytes(bytes) {
            Err(SourceError::UnknownEncoding {
                utf8_offset,
                shift_jis_offset,
            }) => {
                assert_eq!(utf8_offset, 25);
                assert_eq!(shift_jis_offset, 25);
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert!(matches!(sniff_bytes(b""), Err(SourceError::Empty)));
    }

    #[test]
    fn utf8_split_across_chunks_is_still_utf8() {
        let mut text = "a".repeat(CHUNK - 1);
        text.push('契');
        text.push_str(",x\n");
        assert_eq!(
            first_invalid_utf8(Cursor::new(text.into_bytes())).unwrap(),
            None
        );
        assert_eq!(
            first_invalid_utf8(Cursor::new(b"ab\xE5\xA5".to_vec())).unwrap(),
            Some(2),
            "a truncated last character"
        );
    }

    /// The line each data record starts on, as the import reads the file.
    fn record_lines(bytes: &[u8]) -> Vec<(u64, String)> {
        let lines = Lines::default();
        let decoded = decode(Cursor::new(bytes.to_vec()), TextEncoding::Utf8);
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(lines.track(decoded));
        let mut record = csv::StringRecord::new();
        let mut out = Vec::new();
        while reader.read_record(&mut record).unwrap() {
            let line = lines.line_at(record.position().unwrap().byte());
            out.push((line, record.get(0).unwrap_or_default().to_owned()));
        }
        out
    }

    #[test]
    fn records_carry_the_files_own_line_numbers() {
        // Header on line 1; a blank line 3; a cell spanning lines 4-5; two blank lines
        // 6-7; last record line 8.
        let text = "id,categories\nA1,x\n\nA2,\"one\ntwo\"\n\n\nA3,y\n";
        let expected = vec![
            (2, "A1".to_owned()),
            (4, "A2".to_owned()),
            (8, "A3".to_owned()),
        ];
        let crlf = text.replace('\n', "\r\n");
        let cr = text.replace('\n', "\r");
        for (name, bytes) in [
            ("LF", text.as_bytes().to_vec()),
            ("CRLF", crlf.as_bytes().to_vec()),
            ("CR", cr.as_bytes().to_vec()),
            (
                "BOM+CRLF",
                [b"\xEF\xBB\xBF".as_slice(), crlf.as_bytes()].concat(),
            ),
            (
                "BOM+LF",
                [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
            ),
        ] {
            assert_eq!(record_lines(&bytes), expected, "{name}");
        }
        // No final line break.
        assert_eq!(record_lines(b"id\r\nA1\r\nA2").last().unwrap().0, 3);
    }
}
