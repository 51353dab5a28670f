//! SQL data types and values, shared by every layer.
//!
//! [`DataType`] is a column or expression type as PostgreSQL names it (with its OID for the
//! wire); [`Value`] is one datum in its natural Rust form. Rows are `Vec<Value>` in schema
//! column order. Text input/output in PostgreSQL's exact format lives in `text` (one module
//! per format below it), binary wire encoding in `binary`, casts in `cast`, operators in `ops`.

mod array;
pub mod binary;
mod bytea;
pub mod calendar;
pub mod cast;
mod datatype;
mod datetime;
mod datetime_input;
mod enums;
mod float;
mod integer;
mod interval;
mod jsonb;
mod jsonb_ops;
mod numeric;
pub mod ops;
mod strings;
pub mod text;
mod timezone;
mod value;

pub use datatype::{duplicate_type, undefined_type, DataType};
pub use enums::{stable_oid, EnumDef};
pub use jsonb::escape as json_escape;
pub use text::FormatOptions;
pub use value::{Interval, Value};

/// One table row: values in schema column order.
pub type Row = Vec<Value>;
