//! SQL data types and values, shared by every layer.
//!
//! [`DataType`] is a column or expression type as PostgreSQL names it (with its OID for the
//! wire); [`Value`] is one datum in its natural Rust form. Rows are `Vec<Value>` in schema
//! column order. Text input/output in PostgreSQL's exact format lives in `text`, binary wire
//! encoding in `binary`, and the JSONL file mapping in `json`.

pub mod binary;
pub mod cast;
mod datatype;
pub mod ops;
pub mod text;
mod value;

pub use datatype::DataType;
pub use text::FormatOptions;
pub use value::{Interval, Value};

/// One table row: values in schema column order.
pub type Row = Vec<Value>;
