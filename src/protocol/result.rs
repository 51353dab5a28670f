//! Sending a statement's outcome: DataRows in the requested formats, then CommandComplete once
//! the statement's writes are durable.

use super::encode;
use super::wire::{Wire, FLUSH_THRESHOLD};
use crate::error::Result;
use crate::exec::{Column, QueryResult};
use crate::io::transport::Transport;
use crate::types::{binary, text, FormatOptions, Row, Value};

/// Result column formats from Bind: none (all text), one for all, or one per column.
#[derive(Debug, Clone, Default)]
pub struct Formats(pub Vec<i16>);

impl Formats {
    pub fn get(&self, column: usize) -> i16 {
        match self.0.len() {
            0 => 0,
            1 => self.0[0],
            _ => self.0.get(column).copied().unwrap_or(0),
        }
    }
}

/// One DataRow: NULL as -1, else the value in text or binary format.
pub fn data_row(out: &mut Vec<u8>, row: &Row, columns: &[Column], formats: &Formats, opts: &FormatOptions) {
    let at = encode::begin(out, b'D');
    encode::i16(out, row.len() as i16);
    for (i, (value, column)) in row.iter().zip(columns).enumerate() {
        if let Value::Null = value {
            encode::i32(out, -1);
            continue;
        }
        let len_at = out.len();
        encode::i32(out, 0);
        if formats.get(i) == 1 {
            binary::encode(value, &column.data_type, out);
        } else {
            out.extend_from_slice(text::format_value(value, &column.data_type, opts).as_bytes());
        }
        let len = (out.len() - len_at - 4) as i32;
        out[len_at..len_at + 4].copy_from_slice(&len.to_be_bytes());
    }
    encode::finish(out, at);
}

/// Streams `rows` as DataRows, writing out whenever the buffer grows large.
pub async fn send_rows<T: Transport>(
    wire: &mut Wire<T>,
    rows: impl Iterator<Item = Row>,
    columns: &[Column],
    formats: &Formats,
    opts: &FormatOptions,
) -> Result<usize> {
    let mut count = 0;
    for row in rows {
        data_row(&mut wire.out, &row, columns, formats, opts);
        count += 1;
        if wire.out.len() >= FLUSH_THRESHOLD {
            wire.flush().await?;
        }
    }
    Ok(count)
}

/// Waits for the statement's commit to reach disk, then sends CommandComplete with `tag`.
/// A failed commit is the statement's error instead.
pub async fn complete(out: &mut Vec<u8>, result: &mut QueryResult, tag: &str) -> Result<()> {
    if let Some(durable) = result.durable.take() {
        durable.wait().await?;
    }
    command_complete(out, tag);
    Ok(())
}

/// CommandComplete, or EmptyQueryResponse for the empty tag the session gives a statement
/// string with nothing in it (only comments or semicolons).
pub fn command_complete(out: &mut Vec<u8>, tag: &str) {
    if tag.is_empty() {
        encode::empty(out, b'I');
    } else {
        encode::command_complete(out, tag);
    }
}

/// The tag for a portal run that returned `count` rows this time: SELECT counts what was sent
/// by this Execute (as PostgreSQL does after PortalSuspended); other tags stay as they are.
pub fn partial_tag(tag: &str, count: usize) -> String {
    match tag.strip_prefix("SELECT ") {
        Some(_) => format!("SELECT {count}"),
        None => tag.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::DataType;

    #[test]
    fn nulls_and_format_selection() {
        let columns = vec![Column { name: "a".into(), data_type: DataType::Int4, table_oid: 0, column_id: 0 }; 2];
        let mut out = Vec::new();
        data_row(&mut out, &vec![Value::Null, Value::Null], &columns, &Formats(vec![1]), &FormatOptions::default());
        assert_eq!(out, b"D\0\0\0\x0e\0\x02\xff\xff\xff\xff\xff\xff\xff\xff");
        let f = Formats(vec![0, 1]);
        assert_eq!((f.get(0), f.get(1), Formats::default().get(5)), (0, 1, 0));
    }

    #[test]
    fn partial_tags() {
        assert_eq!(partial_tag("SELECT 10", 3), "SELECT 3");
        assert_eq!(partial_tag("INSERT 0 4", 2), "INSERT 0 4");
    }
}
