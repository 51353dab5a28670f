//! One SQL datum.
//!
//! Values keep PostgreSQL's internal representations where that makes the wire and
//! comparisons simple: dates are days and timestamps microseconds since 2000-01-01 (the
//! PostgreSQL epoch), so binary encoding is a byte swap. Equality, hashing and ordering are
//! total (NaN equals NaN and sorts last, as in PostgreSQL) so values can key indexes; values of
//! different variants compare by variant order, and the executor casts before it compares.

use super::EnumDef;
use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// A PostgreSQL interval: months, days and microseconds are kept apart, as PostgreSQL does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Interval {
    pub months: i32,
    pub days: i32,
    pub micros: i64,
}

#[derive(Debug, Clone)]
pub enum Value {
    Null,
    Bool(bool),
    Int2(i16),
    Int4(i32),
    Int8(i64),
    Float4(f32),
    Float8(f64),
    Numeric(Decimal),
    /// text, varchar, char (already blank-padded) and name.
    Text(String),
    Uuid(uuid::Uuid),
    /// Days since 2000-01-01.
    Date(i32),
    /// Microseconds since midnight.
    Time(i64),
    /// Microseconds since 2000-01-01 00:00:00 (no zone).
    Timestamp(i64),
    /// Microseconds since 2000-01-01 00:00:00 UTC.
    Timestamptz(i64),
    Interval(Interval),
    /// json keeps the text exactly as written.
    Json(String),
    /// jsonb is parsed; its output order is PostgreSQL's (keys by length, then bytes).
    Jsonb(Box<serde_json::Value>),
    Bytea(Vec<u8>),
    Array(Vec<Value>),
    /// A label of an enum type, by its position in the type's labels (its sort order).
    Enum(u32, Arc<EnumDef>),
}

impl Value {
    /// A jsonb value (boxed: the tree is large and rare, and every other value stays small).
    pub fn jsonb(j: serde_json::Value) -> Value {
        Value::Jsonb(Box::new(j))
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Rank of the variant, used to order values of different variants deterministically.
    fn rank(&self) -> u8 {
        match self {
            Value::Null => 0,
            Value::Bool(_) => 1,
            Value::Int2(_) | Value::Int4(_) | Value::Int8(_) => 2,
            Value::Float4(_) | Value::Float8(_) => 3,
            Value::Numeric(_) => 4,
            Value::Text(_) => 5,
            Value::Uuid(_) => 6,
            Value::Date(_) => 7,
            Value::Time(_) => 8,
            Value::Timestamp(_) => 9,
            Value::Timestamptz(_) => 10,
            Value::Interval(_) => 11,
            Value::Json(_) => 12,
            Value::Jsonb(_) => 13,
            Value::Bytea(_) => 14,
            Value::Array(_) => 15,
            Value::Enum(..) => 16,
        }
    }

    /// The integer value of Int2/Int4/Int8.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int2(v) => Some(*v as i64),
            Value::Int4(v) => Some(*v as i64),
            Value::Int8(v) => Some(*v),
            _ => None,
        }
    }

    fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Float4(v) => Some(*v as f64),
            Value::Float8(v) => Some(*v),
            _ => None,
        }
    }
}

/// Float order as PostgreSQL: -0 equals 0, NaN equals NaN and is above everything.
fn cmp_f64(a: f64, b: f64) -> Ordering {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        _ => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
    }
}

impl Ord for Value {
    fn cmp(&self, other: &Self) -> Ordering {
        use Value::*;
        match (self, other) {
            (Bool(a), Bool(b)) => a.cmp(b),
            (Text(a), Text(b)) | (Json(a), Json(b)) => a.as_bytes().cmp(b.as_bytes()),
            (Uuid(a), Uuid(b)) => a.cmp(b),
            (Numeric(a), Numeric(b)) => a.cmp(b),
            (Date(a), Date(b)) => a.cmp(b),
            (Time(a), Time(b)) | (Timestamp(a), Timestamp(b)) | (Timestamptz(a), Timestamptz(b)) => a.cmp(b),
            (Interval(a), Interval(b)) => interval_key(a).cmp(&interval_key(b)),
            (Jsonb(a), Jsonb(b)) => a.to_string().cmp(&b.to_string()),
            (Bytea(a), Bytea(b)) => a.cmp(b),
            (Array(a), Array(b)) => a.cmp(b),
            (Enum(a, _), Enum(b, _)) => a.cmp(b),
            (Null, Null) => Ordering::Equal,
            _ => match (self.as_i64(), other.as_i64(), self.as_f64(), other.as_f64()) {
                (Some(a), Some(b), _, _) => a.cmp(&b),
                (_, _, Some(a), Some(b)) => cmp_f64(a, b),
                _ => self.rank().cmp(&other.rank()),
            },
        }
    }
}

/// Intervals compare as PostgreSQL does: months count 30 days, days 24 hours.
fn interval_key(i: &Interval) -> i128 {
    (i.months as i128 * 30 + i.days as i128) * 86_400_000_000 + i.micros as i128
}

impl PartialOrd for Value {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Value {}

impl Hash for Value {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Must agree with Eq: integers of any width hash alike, floats by normalized bits.
        self.rank().hash(state);
        match self {
            Value::Null => {}
            Value::Bool(b) => b.hash(state),
            Value::Int2(_) | Value::Int4(_) | Value::Int8(_) => self.as_i64().hash(state),
            Value::Float4(_) | Value::Float8(_) => {
                let f = self.as_f64().unwrap_or(0.0);
                let bits = if f.is_nan() {
                    u64::MAX
                } else if f == 0.0 {
                    0
                } else {
                    f.to_bits()
                };
                bits.hash(state)
            }
            Value::Numeric(d) => d.normalize().hash(state),
            Value::Text(s) | Value::Json(s) => s.hash(state),
            Value::Uuid(u) => u.hash(state),
            Value::Date(d) => d.hash(state),
            Value::Time(t) | Value::Timestamp(t) | Value::Timestamptz(t) => t.hash(state),
            Value::Interval(i) => interval_key(i).hash(state),
            Value::Jsonb(j) => j.to_string().hash(state),
            Value::Bytea(b) => b.hash(state),
            Value::Array(a) => a.hash(state),
            Value::Enum(pos, _) => pos.hash(state),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn integers_of_any_width_are_equal_and_hash_alike() {
        assert_eq!(Value::Int2(7), Value::Int8(7));
        let set: HashSet<Value> = [Value::Int4(7)].into_iter().collect();
        assert!(set.contains(&Value::Int8(7)));
    }

    #[test]
    fn floats_order_like_postgres() {
        assert_eq!(Value::Float8(f64::NAN), Value::Float8(f64::NAN));
        assert!(Value::Float8(f64::NAN) > Value::Float8(f64::INFINITY));
        assert_eq!(Value::Float8(-0.0), Value::Float8(0.0));
    }

    #[test]
    fn text_orders_by_bytes() {
        assert!(Value::Text("B".into()) < Value::Text("a".into()));
        assert!(Value::Text("z".into()) < Value::Text("é".into()));
    }
}
