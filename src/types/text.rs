//! Text input and output of values in PostgreSQL's exact formats. (CONTRACT STUB: the SQL
//! engine work implements these.)

use super::{DataType, Value};
use crate::error::Result;

/// Session settings that change how values print.
#[derive(Debug, Clone, PartialEq)]
pub struct FormatOptions {
    /// IANA zone or fixed offset for timestamptz output (TimeZone setting).
    pub timezone: String,
    /// extra_float_digits (default 1: shortest round-trip output).
    pub extra_float_digits: i32,
}

impl Default for FormatOptions {
    fn default() -> Self {
        FormatOptions { timezone: "UTC".to_string(), extra_float_digits: 1 }
    }
}

/// Renders a non-null value as PostgreSQL's text output function would.
pub fn format_value(_value: &Value, _ty: &DataType, _opts: &FormatOptions) -> String {
    todo!()
}

/// Parses text as a value of `ty` (the type's input function): 22P02 etc. on bad input.
pub fn parse_value(_text: &str, _ty: &DataType, _opts: &FormatOptions) -> Result<Value> {
    todo!()
}
