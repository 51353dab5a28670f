//! Binary wire formats (PostgreSQL's send/recv functions) for every supported type.
//! (CONTRACT STUB: the types work implements these.)

use super::{DataType, Value};
use crate::error::Result;

/// Appends the binary representation of a non-null value of type `ty` to `out`.
pub fn encode(_value: &Value, _ty: &DataType, _out: &mut Vec<u8>) {
    todo!()
}

/// Decodes a binary parameter of type `ty`; 22P03 on malformed input.
pub fn decode(_bytes: &[u8], _ty: &DataType) -> Result<Value> {
    todo!()
}
