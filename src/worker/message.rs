//! An input message copied out of librdkafka, and the headers of output records.
//!
//! Header names are read and written as bytes through librdkafka directly: rdkafka's own
//! header accessors assume UTF-8 names (and panic otherwise), and a dead letter must carry
//! the input's headers byte for byte whatever they contain.

use rdkafka::message::{BorrowedMessage, Header, Message, OwnedHeaders};
use rdkafka_sys as rdsys;

/// One consumed message, owned.
#[derive(Debug, Clone)]
pub struct InputMessage {
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    pub key: Option<Vec<u8>>,
    pub value: Option<Vec<u8>>,
    /// Name and value of each header, in order, as bytes.
    pub headers: Vec<(Vec<u8>, Option<Vec<u8>>)>,
    /// The message timestamp (create or log-append time), milliseconds since the epoch.
    pub timestamp_ms: Option<i64>,
}

impl InputMessage {
    pub fn from_borrowed(msg: &BorrowedMessage<'_>) -> InputMessage {
        InputMessage {
            topic: msg.topic().to_string(),
            partition: msg.partition(),
            offset: msg.offset(),
            key: msg.key().map(<[u8]>::to_vec),
            value: msg.payload().map(<[u8]>::to_vec),
            headers: read_headers(msg),
            timestamp_ms: msg.timestamp().to_millis(),
        }
    }

    /// Headers whose names are UTF-8, for the hint reader (hint names are ASCII, so a header
    /// with another name is never a hint).
    pub fn text_named_headers(&self) -> impl Iterator<Item = (&str, Option<&[u8]>)> {
        self.headers.iter().filter_map(|(name, value)| {
            std::str::from_utf8(name)
                .ok()
                .map(|n| (n, value.as_deref()))
        })
    }
}

fn read_headers(msg: &BorrowedMessage<'_>) -> Vec<(Vec<u8>, Option<Vec<u8>>)> {
    let mut out = Vec::new();
    // SAFETY: `msg.ptr()` is a live message owned by the consumer for the lifetime of `msg`;
    // the header list and the pointers it yields live as long as the message, and every
    // byte is copied before returning.
    unsafe {
        let mut hdrs: *mut rdsys::rd_kafka_headers_t = std::ptr::null_mut();
        let err = rdsys::rd_kafka_message_headers(msg.ptr(), &mut hdrs);
        if err != rdsys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR || hdrs.is_null() {
            return out;
        }
        let count = rdsys::rd_kafka_header_cnt(hdrs);
        for idx in 0..count {
            let mut name: *const std::os::raw::c_char = std::ptr::null();
            let mut value: *const std::os::raw::c_void = std::ptr::null();
            let mut size: usize = 0;
            let err = rdsys::rd_kafka_header_get_all(hdrs, idx, &mut name, &mut value, &mut size);
            if err != rdsys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR || name.is_null() {
                continue;
            }
            let name = std::ffi::CStr::from_ptr(name).to_bytes().to_vec();
            let value = if value.is_null() {
                None
            } else {
                Some(std::slice::from_raw_parts(value.cast::<u8>(), size).to_vec())
            };
            out.push((name, value));
        }
    }
    out
}

/// Builds output headers: `raw` (names as bytes, kept verbatim) then `added`.
pub fn output_headers(
    raw: &[(Vec<u8>, Option<Vec<u8>>)],
    added: &[(&str, String)],
) -> OwnedHeaders {
    let mut headers = OwnedHeaders::new_with_capacity(raw.len() + added.len());
    for (name, value) in raw {
        headers = match std::str::from_utf8(name) {
            Ok(name) => headers.insert(Header {
                key: name,
                value: value.as_deref(),
            }),
            Err(_) => add_raw_header(headers, name, value.as_deref()),
        };
    }
    for (name, value) in added {
        headers = headers.insert(Header {
            key: name,
            value: Some(value.as_bytes()),
        });
    }
    headers
}

/// Adds a header whose name is not UTF-8 (rdkafka's `insert` takes `&str`).
fn add_raw_header(headers: OwnedHeaders, name: &[u8], value: Option<&[u8]>) -> OwnedHeaders {
    // SAFETY: `BorrowedHeaders` is a transparent view of the native `rd_kafka_headers_t`
    // (rdkafka casts between the two the same way); `rd_kafka_header_add` copies the name
    // and value, which are given with explicit lengths.
    unsafe {
        let ptr = headers.as_borrowed() as *const rdkafka::message::BorrowedHeaders
            as *mut rdsys::rd_kafka_headers_t;
        let (vptr, vlen) = match value {
            Some(v) => (v.as_ptr().cast::<std::os::raw::c_void>(), v.len() as isize),
            None => (std::ptr::null(), 0),
        };
        rdsys::rd_kafka_header_add(
            ptr,
            name.as_ptr().cast::<std::os::raw::c_char>(),
            name.len() as isize,
            vptr,
            vlen,
        );
    }
    headers
}
