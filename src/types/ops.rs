//! Operators on values: arithmetic, concatenation, date/time arithmetic and the jsonb
//! operators, with PostgreSQL's result types and errors. (CONTRACT STUB: the types work
//! implements these.) Comparisons are not here: the binder casts both sides to one type and
//! the executor compares with `Value`'s `Ord`.

use super::{DataType, Value};
use crate::error::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    /// `||` on text (and arrays, jsonb).
    Concat,
    /// jsonb `->`
    JsonGet,
    /// jsonb `->>`
    JsonGetText,
    /// jsonb `#>`
    JsonPath,
    /// jsonb `#>>`
    JsonPathText,
    /// jsonb `@>`
    JsonContains,
    /// jsonb `<@`
    JsonContainedBy,
    /// jsonb `?`
    JsonHasKey,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    Neg,
}

/// The result type of `left op right` for argument types already resolved (unknown-typed
/// literals resolved by the binder first); 42883 `operator does not exist: integer + boolean`
/// when there is none.
pub fn binary_result_type(_op: BinaryOp, _left: &DataType, _right: &DataType) -> Result<DataType> {
    todo!()
}

/// Evaluates `left op right` on non-null values of the argument types given to
/// [`binary_result_type`]. Overflow gives 22003 (`integer out of range`), division by zero 22012.
pub fn binary(_op: BinaryOp, _left: &Value, _right: &Value) -> Result<Value> {
    todo!()
}

/// Evaluates a unary operator on a non-null value.
pub fn unary(_op: UnaryOp, _value: &Value) -> Result<Value> {
    todo!()
}
