//! Binary wire formats (PostgreSQL's send/recv functions) for every supported type.
//!
//! All integers are big-endian. Dates, times and timestamps are PostgreSQL's own integers (our
//! values already use its epoch); numeric is base-10000 digits with weight, sign and display
//! scale; jsonb is a version byte (1) and the text; arrays carry dimensions, a null flag and
//! the element OID, then each element as a length-prefixed value (-1 for NULL).

use super::text::format_value;
use super::{jsonb, numeric, DataType, FormatOptions, Interval, Value};
use crate::error::{sqlstate, Error, Result};

const NUMERIC_NEG: u16 = 0x4000;

/// Appends the binary representation of a non-null value of type `ty` to `out`.
pub fn encode(value: &Value, ty: &DataType, out: &mut Vec<u8>) {
    match (value, ty) {
        (Value::Bool(b), _) => out.push(*b as u8),
        (Value::Int2(_) | Value::Int4(_) | Value::Int8(_), DataType::Int2 | DataType::Int4 | DataType::Int8 | DataType::Oid) => {
            encode_int(value.as_i64().unwrap_or(0), ty, out)
        }
        (Value::Int8(v), t) if t.is_reg() => encode_int(*v, &DataType::Oid, out),
        (Value::Float4(f), DataType::Float8) => out.extend_from_slice(&(*f as f64).to_be_bytes()),
        (Value::Float4(f), _) => out.extend_from_slice(&f.to_be_bytes()),
        (Value::Float8(f), _) => out.extend_from_slice(&f.to_be_bytes()),
        (Value::Numeric(d), _) => encode_numeric(d, out),
        (Value::Uuid(u), _) => out.extend_from_slice(u.as_bytes()),
        (Value::Date(d), _) => out.extend_from_slice(&d.to_be_bytes()),
        (Value::Time(t) | Value::Timestamp(t) | Value::Timestamptz(t), _) => out.extend_from_slice(&t.to_be_bytes()),
        (Value::Interval(iv), _) => {
            out.extend_from_slice(&iv.micros.to_be_bytes());
            out.extend_from_slice(&iv.days.to_be_bytes());
            out.extend_from_slice(&iv.months.to_be_bytes());
        }
        (Value::Jsonb(j), _) => {
            out.push(1);
            out.extend_from_slice(jsonb::to_text(j).as_bytes());
        }
        (Value::Bytea(b), _) => out.extend_from_slice(b),
        (Value::Array(items), DataType::Array(elem) | DataType::Vector(elem)) => encode_array(items, elem, out),
        (Value::Text(s) | Value::Json(s), _) => out.extend_from_slice(s.as_bytes()),
        (v, _) => out.extend_from_slice(format_value(v, ty, &FormatOptions::default()).as_bytes()),
    }
}

/// An integer in the width of its column type (int2/int4/oid/int8).
fn encode_int(v: i64, ty: &DataType, out: &mut Vec<u8>) {
    match ty {
        DataType::Int2 => out.extend_from_slice(&(v as i16).to_be_bytes()),
        DataType::Int4 => out.extend_from_slice(&(v as i32).to_be_bytes()),
        DataType::Oid => out.extend_from_slice(&(v as u32).to_be_bytes()),
        _ => out.extend_from_slice(&v.to_be_bytes()),
    }
}

fn encode_numeric(d: &rust_decimal::Decimal, out: &mut Vec<u8>) {
    let (weight, digits) = numeric::to_base10000(d);
    let sign = if d.is_sign_negative() && !d.is_zero() { NUMERIC_NEG } else { 0 };
    out.extend_from_slice(&(digits.len() as i16).to_be_bytes());
    out.extend_from_slice(&weight.to_be_bytes());
    out.extend_from_slice(&sign.to_be_bytes());
    out.extend_from_slice(&(d.scale() as u16).to_be_bytes());
    for g in digits {
        out.extend_from_slice(&g.to_be_bytes());
    }
}

fn encode_array(items: &[Value], elem: &DataType, out: &mut Vec<u8>) {
    let has_null = items.iter().any(Value::is_null);
    out.extend_from_slice(&i32::from(!items.is_empty()).to_be_bytes());
    out.extend_from_slice(&i32::from(has_null).to_be_bytes());
    out.extend_from_slice(&elem.oid().to_be_bytes());
    if !items.is_empty() {
        out.extend_from_slice(&(items.len() as i32).to_be_bytes());
        out.extend_from_slice(&1i32.to_be_bytes());
    }
    for item in items {
        if item.is_null() {
            out.extend_from_slice(&(-1i32).to_be_bytes());
            continue;
        }
        let at = out.len();
        out.extend_from_slice(&0i32.to_be_bytes());
        encode(item, elem, out);
        let len = (out.len() - at - 4) as i32;
        out[at..at + 4].copy_from_slice(&len.to_be_bytes());
    }
}

fn bad() -> Error {
    Error::new(sqlstate::INVALID_BINARY_REPRESENTATION, "incorrect binary data format")
}

/// A cursor over a binary value that fails with 22P03 when the data runs out.
struct Reader<'a> {
    b: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if self.b.len() < n {
            return Err(bad());
        }
        let (head, rest) = self.b.split_at(n);
        self.b = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        self.take(N)?.try_into().map_err(|_| bad())
    }

    fn i16(&mut self) -> Result<i16> {
        self.array().map(i16::from_be_bytes)
    }

    fn i32(&mut self) -> Result<i32> {
        self.array().map(i32::from_be_bytes)
    }

    fn i64(&mut self) -> Result<i64> {
        self.array().map(i64::from_be_bytes)
    }

    fn done(&self) -> Result<()> {
        if self.b.is_empty() {
            Ok(())
        } else {
            Err(bad())
        }
    }
}

/// Decodes a binary parameter of type `ty`; 22P03 on malformed input.
pub fn decode(bytes: &[u8], ty: &DataType) -> Result<Value> {
    let mut r = Reader { b: bytes };
    let v = match ty {
        DataType::Bool => Value::Bool(r.array::<1>()?[0] != 0),
        DataType::Int2 => Value::Int2(r.i16()?),
        DataType::Int4 => Value::Int4(r.i32()?),
        DataType::Int8 => Value::Int8(r.i64()?),
        DataType::Oid | DataType::RegClass | DataType::RegType | DataType::RegNamespace => Value::Int8(r.i32()? as u32 as i64),
        DataType::Float4 => Value::Float4(f32::from_be_bytes(r.array()?)),
        DataType::Float8 => Value::Float8(f64::from_be_bytes(r.array()?)),
        DataType::Numeric(_) => decode_numeric(&mut r)?,
        DataType::Uuid => Value::Uuid(uuid::Uuid::from_bytes(r.array()?)),
        DataType::Date => Value::Date(r.i32()?),
        DataType::Time => Value::Time(r.i64()?),
        DataType::Timestamp => Value::Timestamp(r.i64()?),
        DataType::Timestamptz => Value::Timestamptz(r.i64()?),
        DataType::Interval => {
            let micros = r.i64()?;
            let days = r.i32()?;
            Value::Interval(Interval { months: r.i32()?, days, micros })
        }
        DataType::Bytea => Value::Bytea(r.take(bytes.len())?.to_vec()),
        DataType::Json => {
            let s = utf8(r.take(bytes.len())?)?;
            jsonb::validate_json(&s)?;
            Value::Json(s)
        }
        DataType::Jsonb => {
            let version = r.array::<1>()?[0];
            if version != 1 {
                return Err(Error::new(sqlstate::INVALID_BINARY_REPRESENTATION, format!("unsupported jsonb version number {version}")));
            }
            Value::jsonb(jsonb::parse_jsonb(&utf8(r.take(bytes.len() - 1)?)?)?)
        }
        DataType::Array(elem) | DataType::Vector(elem) => decode_array(&mut r, elem)?,
        DataType::Enum(def) => def.input(&utf8(r.take(bytes.len())?)?)?,
        DataType::Text | DataType::Varchar(_) | DataType::Char(_) | DataType::Name | DataType::InternalChar | DataType::Unknown => {
            Value::Text(utf8(r.take(bytes.len())?)?)
        }
    };
    r.done()?;
    Ok(v)
}

fn utf8(b: &[u8]) -> Result<String> {
    String::from_utf8(b.to_vec()).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        Error::new("22021", format!("invalid byte sequence for encoding \"UTF8\": 0x{:02x}", b[at]))
    })
}

fn decode_numeric(r: &mut Reader) -> Result<Value> {
    let ndigits = r.i16()?;
    let weight = r.i16()?;
    let sign = r.i16()? as u16;
    let dscale = r.i16()? as u16;
    if sign != 0 && sign != NUMERIC_NEG {
        return Err(Error::unsupported("numeric NaN or infinity"));
    }
    let digits = (0..ndigits.max(0)).map(|_| r.i16()).collect::<Result<Vec<_>>>()?;
    if ndigits < 0 || dscale > 0x3FFF || digits.iter().any(|d| !(0..10_000).contains(d)) {
        return Err(bad());
    }
    numeric::from_base10000(sign == NUMERIC_NEG, weight, &digits, dscale).map(Value::Numeric)
}

fn decode_array(r: &mut Reader, elem: &DataType) -> Result<Value> {
    let ndim = r.i32()?;
    let flags = r.i32()?;
    let elem_oid = r.i32()? as u32;
    if ndim > 1 {
        return Err(Error::unsupported("multidimensional array"));
    }
    if ndim < 0 || !(0..=1).contains(&flags) {
        return Err(bad());
    }
    if elem_oid != elem.oid() {
        return Err(Error::new(sqlstate::DATATYPE_MISMATCH, "wrong element type"));
    }
    let len = if ndim == 1 {
        let len = r.i32()?;
        r.i32()?;
        usize::try_from(len).map_err(|_| bad())?
    } else {
        0
    };
    let mut items = Vec::with_capacity(len.min(1024));
    for _ in 0..len {
        let n = r.i32()?;
        items.push(if n < 0 { Value::Null } else { decode(r.take(n as usize)?, elem)? });
    }
    Ok(Value::Array(items))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::text::parse_value;
    use proptest::prelude::*;

    fn round(text: &str, ty: &str) -> (Vec<u8>, String) {
        let opts = FormatOptions::default();
        let ty = DataType::parse(ty).unwrap();
        let v = parse_value(text, &ty, &opts).unwrap();
        let mut buf = Vec::new();
        encode(&v, &ty, &mut buf);
        let back = decode(&buf, &ty).unwrap();
        (buf, format_value(&back, &ty, &opts))
    }

    #[test]
    fn fixed_layouts_match_postgres_send() {
        // Bytes as PostgreSQL 15's *send functions produce them.
        assert_eq!(round("1", "int4").0, vec![0, 0, 0, 1]);
        assert_eq!(round("2000-01-02", "date").0, vec![0, 0, 0, 1]);
        assert_eq!(round("1 mon 2 days 00:00:01", "interval").0, [&1_000_000i64.to_be_bytes()[..], &[0, 0, 0, 2], &[0, 0, 0, 1]].concat());
        // numeric 1234.5: ndigits 2, weight 0, sign 0, dscale 1, digits 1234 5000
        assert_eq!(round("1234.5", "numeric").0, vec![0, 2, 0, 0, 0, 0, 0, 1, 0x04, 0xd2, 0x13, 0x88]);
        assert_eq!(round("-0.001", "numeric").0, vec![0, 1, 0xff, 0xff, 0x40, 0, 0, 3, 0, 10]);
        assert_eq!(round("{\"a\":1}", "jsonb").0, b"\x01{\"a\": 1}".to_vec());
        let (arr, text) = round("{1,NULL}", "int4[]");
        assert_eq!(text, "{1,NULL}");
        assert_eq!(arr, [&[0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 23, 0, 0, 0, 2, 0, 0, 0, 1][..], &[0, 0, 0, 4, 0, 0, 0, 1], &[0xff; 4]].concat());
    }

    #[test]
    fn every_type_round_trips() {
        for (text, ty) in [
            ("t", "bool"),
            ("-7", "int2"),
            ("9223372036854775807", "int8"),
            ("1.5", "float4"),
            ("0.1", "float8"),
            ("-123456.7890", "numeric"),
            ("0", "numeric"),
            ("héllo", "text"),
            ("\\x00ff", "bytea"),
            ("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "uuid"),
            ("0044-03-15 BC", "date"),
            ("13:45:00.5", "time"),
            ("2024-01-31 13:45:00.123", "timestamp"),
            ("2024-01-31 13:45:00+00", "timestamptz"),
            ("-1 years -2 mons +3 days -04:05:06", "interval"),
            ("[1, 2]", "json"),
            ("{}", "int4[]"),
            ("{\"a b\",NULL}", "text[]"),
            ("4294967295", "oid"),
        ] {
            let want = format_value(
                &parse_value(text, &DataType::parse(ty).unwrap(), &FormatOptions::default()).unwrap(),
                &DataType::parse(ty).unwrap(),
                &FormatOptions::default(),
            );
            assert_eq!(round(text, ty).1, want, "{text}::{ty}");
        }
    }

    #[test]
    fn malformed_input_is_22p03() {
        assert_eq!(decode(&[0, 1], &DataType::Int4).unwrap_err().code, "22P03");
        assert_eq!(decode(&[0, 0, 0, 1, 0], &DataType::Int4).unwrap_err().code, "22P03");
        assert_eq!(decode(&[2, b'1'], &DataType::Jsonb).unwrap_err().code, "22P03");
        assert_eq!(decode(&[0xff], &DataType::Text).unwrap_err().code, "22021");
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            let opts = FormatOptions::default();
            for ty in ["bool", "int4", "int8", "float8", "numeric", "text", "uuid", "date", "time", "timestamp", "timestamptz", "interval", "jsonb", "int4[]", "text[]"] {
                let ty = DataType::parse(ty).unwrap();
                if let Ok(v) = decode(&bytes, &ty) {
                    format_value(&v, &ty, &opts);
                    encode(&v, &ty, &mut Vec::new());
                }
            }
        }

        #[test]
        fn numeric_binary_round_trips(m in any::<i64>(), scale in 0u32..16) {
            let d = rust_decimal::Decimal::new(m, scale);
            let mut buf = Vec::new();
            encode(&Value::Numeric(d), &DataType::Numeric(None), &mut buf);
            let Value::Numeric(back) = decode(&buf, &DataType::Numeric(None)).unwrap() else { panic!("not numeric") };
            prop_assert_eq!(back.to_string(), d.to_string());
        }
    }
}
