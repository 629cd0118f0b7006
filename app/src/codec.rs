//! The encoding every server function answers in: JSON, read in the browser as text.
//!
//! Server functions' own `Json` reads answers with `serde_json::from_slice`, while resources
//! carried in the page for hydration are read with `serde_json::from_str`. Each reader is a
//! separate copy of every type's deserializer in the browser's bundle: answering in JSON read
//! through `from_str` as well leaves one copy (measured: about 130 KB of the unoptimised
//! bundle). On the wire nothing changes: `application/json`, as before.

use leptos::server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType, codec::Post};
use serde::{Serialize, de::DeserializeOwned};

/// JSON whose answers the browser reads as text (see the module comment).
pub struct TextJsonEncoding;

/// The `output` of every `#[server]` function: a POST answered in [`TextJsonEncoding`].
pub type TextJson = Post<TextJsonEncoding>;

impl ContentType for TextJsonEncoding {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for TextJsonEncoding {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for TextJsonEncoding {
    type Error = serde_json::Error;

    fn encode(output: &T) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(output).map(Bytes::from)
    }
}

impl<T: DeserializeOwned> Decodes<T> for TextJsonEncoding {
    type Error = serde_json::Error;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        let text = std::str::from_utf8(&bytes).map_err(serde::de::Error::custom)?;
        serde_json::from_str(text)
    }
}
