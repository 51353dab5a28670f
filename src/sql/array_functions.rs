//! Array functions: `array_to_string(array, sep [, null_text])`, `array_length(array, dim)`,
//! `array_upper(array, dim)`, `array_lower(array, dim)`, and subscripts (`a[i]`). Arrays here
//! have one dimension and start at 1, so any other dimension has no bounds (NULL), and a
//! subscript out of range is NULL, as in PostgreSQL.

use crate::types::text::format_value;
use crate::types::{DataType, FormatOptions, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArrayFn {
    ToString,
    Length,
    Upper,
    Lower,
    /// `array[i]`.
    Subscript,
}

const TEXT: &[DataType] = &[DataType::Text];
const TEXT2: &[DataType] = &[DataType::Text, DataType::Text];
const INT4: &[DataType] = &[DataType::Int4];

impl ArrayFn {
    pub fn lookup(name: &str) -> Option<ArrayFn> {
        Some(match name {
            "array_to_string" => ArrayFn::ToString,
            "array_length" => ArrayFn::Length,
            "array_upper" => ArrayFn::Upper,
            "array_lower" => ArrayFn::Lower,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            ArrayFn::ToString => "array_to_string",
            ArrayFn::Length => "array_length",
            ArrayFn::Upper => "array_upper",
            ArrayFn::Lower => "array_lower",
            ArrayFn::Subscript => "subscript",
        }
    }

    /// The types of the arguments after the array, for `n` arguments in all.
    pub fn rest_types(self, n: usize) -> Option<&'static [DataType]> {
        match (self, n) {
            (ArrayFn::ToString, 2) => Some(TEXT),
            (ArrayFn::ToString, 3) => Some(TEXT2),
            (ArrayFn::Length | ArrayFn::Upper | ArrayFn::Lower | ArrayFn::Subscript, 2) => Some(INT4),
            _ => None,
        }
    }

    /// The result type, given the array's type.
    pub fn result_type(self, array: Option<&DataType>) -> DataType {
        match (self, array.and_then(DataType::element)) {
            (ArrayFn::ToString, _) => DataType::Text,
            (ArrayFn::Subscript, Some(elem)) => elem.clone(),
            _ => DataType::Int4,
        }
    }

    /// Whether a NULL argument makes the result NULL (array_to_string's third argument
    /// is allowed to be NULL).
    pub fn is_strict(self) -> bool {
        self != ArrayFn::ToString
    }

    /// Evaluates the call; the array is non-null (NULL arrays give NULL before this).
    pub fn apply(self, args: &[Value], opts: &FormatOptions) -> Value {
        let Value::Array(items) = &args[0] else { return Value::Null };
        let first_dim = args.get(1).and_then(Value::as_i64) == Some(1) && !items.is_empty();
        match self {
            ArrayFn::ToString => match &args[1] {
                Value::Null => Value::Null,
                sep => {
                    let sep = crate::sql::expr::text(sep);
                    let null_text = args.get(2).filter(|v| !v.is_null()).map(crate::sql::expr::text);
                    let parts: Vec<String> = items
                        .iter()
                        .filter_map(|v| if v.is_null() { null_text.map(str::to_string) } else { Some(format_value(v, &DataType::Unknown, opts)) })
                        .collect();
                    Value::Text(parts.join(sep))
                }
            },
            ArrayFn::Length | ArrayFn::Upper if first_dim => Value::Int4(items.len() as i32),
            ArrayFn::Lower if first_dim => Value::Int4(1),
            ArrayFn::Subscript => match args.get(1).and_then(Value::as_i64) {
                Some(i) if i >= 1 => items.get(i as usize - 1).cloned().unwrap_or(Value::Null),
                _ => Value::Null,
            },
            _ => Value::Null,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_and_bounds() {
        let opts = FormatOptions::default();
        let arr = Value::Array(vec![Value::Int4(1), Value::Null, Value::Int4(3)]);
        let sep = Value::Text(",".into());
        assert_eq!(ArrayFn::ToString.apply(&[arr.clone(), sep.clone()], &opts), Value::Text("1,3".into()));
        assert_eq!(ArrayFn::ToString.apply(&[arr.clone(), sep, Value::Text("*".into())], &opts), Value::Text("1,*,3".into()));
        assert_eq!(ArrayFn::Upper.apply(&[arr.clone(), Value::Int4(1)], &opts), Value::Int4(3));
        assert_eq!(ArrayFn::Length.apply(&[arr, Value::Int4(2)], &opts), Value::Null);
        assert_eq!(ArrayFn::Upper.apply(&[Value::Array(vec![]), Value::Int4(1)], &opts), Value::Null);
        let arr = Value::Array(vec![Value::Int4(7), Value::Int4(8)]);
        assert_eq!(ArrayFn::Subscript.apply(&[arr.clone(), Value::Int4(2)], &opts), Value::Int4(8));
        assert_eq!(ArrayFn::Subscript.apply(&[arr.clone(), Value::Int4(0)], &opts), Value::Null);
        assert_eq!(ArrayFn::Subscript.apply(&[arr, Value::Int4(3)], &opts), Value::Null);
    }
}
