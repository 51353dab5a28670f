//! Casts between types, as PostgreSQL's explicit (`CAST`, `::`) and assignment casts behave.
//! (CONTRACT STUB: the types work implements these.)

use super::{DataType, FormatOptions, Value};
use crate::error::Result;

/// Whether an assignment or an explicit cast: they differ for varchar(n)/char(n) (explicit
/// truncates silently, assignment raises 22001 `value too long for type character varying(n)`)
/// and for which casts are allowed at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CastKind {
    Explicit,
    Assignment,
    Implicit,
}

/// Converts `value` (of type `from`) to `to`. NULL stays NULL. Errors as PostgreSQL: 22P02 for
/// bad text input, 22003 for out-of-range numbers, 42846 `cannot cast type x to y` when no cast exists.
pub fn cast(_value: Value, _from: &DataType, _to: &DataType, _kind: CastKind, _opts: &FormatOptions) -> Result<Value> {
    todo!()
}

/// Whether PostgreSQL would apply a cast from `from` to `to` of this kind without being told
/// (used by the binder to resolve operator and function arguments).
pub fn can_cast(_from: &DataType, _to: &DataType, _kind: CastKind) -> bool {
    todo!()
}
