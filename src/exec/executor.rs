//! The executor: turns a [`Rel`] tree into an iterator of rows, pulling from the
//! transaction's view of each table (index lookups through `Table::get`/`Table::lookup`,
//! scans otherwise). Sort, Distinct and Aggregate materialize; everything else streams.

use super::interrupt::Interrupt;
use super::txn::{TableView, TxnState};
use crate::error::{sqlstate, Error, Result};
use crate::sql::expr::{truth, EvalCtx, Expr};
use crate::sql::plan::{AggFunc, Aggregate, Rel, SetCall, SetFunc, SetOp, SortKey};
use crate::storage::{Key, Snapshot, StoredRow};
use crate::types::ops::{self, BinaryOp};
use crate::types::{Row, Value};
use std::cmp::Ordering;

pub type Rows<'a> = Box<dyn Iterator<Item = Result<Row>> + 'a>;

/// What a running statement reads from.
pub struct Ctx<'a> {
    pub snap: &'a Snapshot,
    pub txn: &'a TxnState,
    pub eval: &'a EvalCtx<'a>,
    pub interrupt: &'a Interrupt,
    /// The session's settings, for pg_settings (None where a statement cannot read them).
    pub settings: Option<&'a super::settings::Settings>,
    /// The work tables of the recursive queries running (innermost last).
    pub work: &'a [(usize, &'a [Row])],
}

impl<'a> Ctx<'a> {
    pub fn view(&self, table: &str) -> Result<TableView<'a>> {
        self.txn.view(self.snap, table)
    }
}

/// Runs a row source.
pub fn run<'a>(rel: &'a Rel, ctx: &'a Ctx<'a>) -> Result<Rows<'a>> {
    Ok(match rel {
        Rel::Values { rows } => {
            let out = rows.iter().map(|r| r.iter().map(|e| e.eval(&[], ctx.eval)).collect::<Result<Row>>());
            Box::new(out.collect::<Vec<_>>().into_iter())
        }
        Rel::Series { start, stop, step } => series(start, stop, step.as_ref(), ctx)?,
        Rel::Unnest { arrays } => {
            let arrays = arrays.iter().map(|e| e.eval(&[], ctx.eval)).collect::<Result<Vec<_>>>()?;
            let items = |v: &Value| match v {
                Value::Array(items) => items.clone(),
                _ => Vec::new(),
            };
            let arrays: Vec<Vec<Value>> = arrays.iter().map(items).collect();
            let len = arrays.iter().map(Vec::len).max().unwrap_or(0);
            let rows = (0..len).map(move |i| Ok(arrays.iter().map(|a| a.get(i).cloned().unwrap_or(Value::Null)).collect()));
            Box::new(rows)
        }
        Rel::ProjectSet { input, calls } => {
            let rows = run(input, ctx)?;
            Box::new(rows.flat_map(move |r| match r.and_then(|row| project_set(row, calls, ctx)) {
                Ok(rows) => rows.into_iter().map(Ok).collect::<Vec<_>>(),
                Err(e) => vec![Err(e)],
            }))
        }
        Rel::Virtual { table } => Box::new(super::pg_catalog::scan(table, ctx)?.into_iter().map(Ok)),
        Rel::Scan { .. } | Rel::IndexLookup { .. } => Box::new(stored_rows(rel, ctx)?.map(|r| r.map(|s| s.row))),
        Rel::Filter { input, .. } if matches!(input.as_ref(), Rel::Scan { .. }) => Box::new(stored_rows(rel, ctx)?.map(|r| r.map(|s| s.row))),
        Rel::Filter { input, predicate } => {
            let rows = run(input, ctx)?;
            Box::new(rows.filter_map(move |r| {
                let keep = r.and_then(|row| Ok((truth(&predicate.eval(&row, ctx.eval)?), row)));
                match keep {
                    Ok((true, row)) => Some(Ok(row)),
                    Ok((false, _)) => None,
                    Err(e) => Some(Err(e)),
                }
            }))
        }
        Rel::Join { left, right, on, left_outer, right_width } => {
            join(run(left, ctx)?, run(right, ctx)?.collect::<Result<Vec<_>>>()?, on.as_ref(), *left_outer, *right_width, ctx)
        }
        Rel::Project { input, exprs } => {
            let rows = run(input, ctx)?;
            Box::new(rows.map(move |r| r.and_then(|row| project(row, exprs, ctx))))
        }
        Rel::Sort { input, keys } => Box::new(sort(run(input, ctx)?, keys, ctx)?.into_iter().map(Ok)),
        Rel::Limit { input, limit, offset } => {
            let count = |e: &Option<Expr>, what: &str, code: &'static str| -> Result<Option<usize>> {
                let Some(e) = e else { return Ok(None) };
                match e.eval(&[], ctx.eval)? {
                    Value::Null => Ok(None),
                    v => match v.as_i64() {
                        Some(n) if n >= 0 => Ok(Some(n as usize)),
                        _ => Err(Error::new(code, format!("{what} must not be negative"))),
                    },
                }
            };
            let limit = count(limit, "LIMIT", "2201W")?;
            let offset = count(offset, "OFFSET", "2201X")?.unwrap_or(0);
            let first = match limit {
                Some(n) => first_by_key(input, offset.saturating_add(n), ctx)?,
                None => None,
            };
            let rows = match first {
                Some(rows) => rows,
                None => run(input, ctx)?,
            };
            let rows = rows.skip(offset);
            match limit {
                Some(n) => Box::new(rows.take(n)),
                None => Box::new(rows),
            }
        }
        Rel::Distinct { input } => {
            let mut seen = ahash::AHashSet::new();
            let mut out = Vec::new();
            for r in run(input, ctx)? {
                let r = r?;
                if seen.insert(r.clone()) {
                    out.push(r);
                }
            }
            Box::new(out.into_iter().map(Ok))
        }
        Rel::SetOp { op, all, left, right } => {
            let right = run(right, ctx)?.collect::<Result<Vec<_>>>()?;
            Box::new(set_op(*op, *all, run(left, ctx)?, right)?.into_iter().map(Ok))
        }
        Rel::Recursive { id, all, base, step } => Box::new(recursive(*id, *all, base, step, ctx)?.into_iter().map(Ok)),
        Rel::WorkTable { id } => {
            let rows = ctx.work.iter().rev().find(|(w, _)| w == id).map(|(_, rows)| rows.to_vec());
            Box::new(rows.ok_or_else(|| Error::internal(format!("work table {id} is not running")))?.into_iter().map(Ok))
        }
        Rel::Aggregate { input, groups, aggs } => Box::new(aggregate(run(input, ctx)?, groups, aggs, ctx)?.into_iter().map(Ok)),
    })
}

/// `Sort(Project([Filter](IndexLookup)))` ordered by the table's primary key, when only its
/// first `n` rows are wanted (ORDER BY id DESC LIMIT 10 over an index on another column): the
/// index yields keys, so only about `n` rows are read, then filtered, projected and sorted as
/// usual.
/// None when the plan has another shape.
fn first_by_key<'a>(rel: &'a Rel, n: usize, ctx: &'a Ctx<'a>) -> Result<Option<Rows<'a>>> {
    let Rel::Sort { input, keys } = rel else { return Ok(None) };
    let Rel::Project { input: source, exprs } = input.as_ref() else { return Ok(None) };
    let (source, predicate) = match source.as_ref() {
        Rel::Filter { input, predicate } => (input.as_ref(), Some(predicate)),
        other => (other, None),
    };
    let Rel::IndexLookup { table, columns, keys: lookup } = source else { return Ok(None) };
    let [values] = lookup.as_slice() else { return Ok(None) };
    let view = ctx.view(table)?;
    let table_column = |k: &SortKey| match &k.expr {
        Expr::Column(p) => match exprs.get(*p) {
            Some(Expr::Column(c)) => Some(*c),
            _ => None,
        },
        _ => None,
    };
    let sorted_by: Option<Vec<usize>> = keys.iter().map(table_column).collect();
    if sorted_by.is_none_or(|cols| cols != view.schema.primary_key_columns()) {
        return Ok(None);
    }
    let values = values.iter().map(|e| e.eval(&[], ctx.eval)).collect::<Result<Vec<_>>>()?;
    if values.iter().any(Value::is_null) {
        return Ok(None);
    }
    let desc: Vec<bool> = keys.iter().map(|k| k.desc).collect();
    let keep = |row: &Row| predicate.map_or(Ok(true), |p| Ok(truth(&p.eval(row, ctx.eval)?)));
    let Some((stored, ordered)) = view.lookup_first(columns, &values, &desc, n, keep)? else { return Ok(None) };
    let projected = stored.into_iter().map(move |s| project(s.row, exprs, ctx));
    if ordered {
        return Ok(Some(Box::new(projected)));
    }
    Ok(Some(Box::new(sort(Box::new(projected), keys, ctx)?.into_iter().map(Ok))))
}

/// The select list over one row. `SELECT *` (every column, in order) hands the row on
/// instead of copying each value.
fn project(row: Row, exprs: &[Expr], ctx: &Ctx) -> Result<Row> {
    let identity = exprs.len() == row.len() && exprs.iter().enumerate().all(|(i, e)| matches!(e, Expr::Column(c) if *c == i));
    if identity {
        return Ok(row);
    }
    exprs.iter().map(|e| e.eval(&row, ctx.eval)).collect()
}

/// One input row as the rows of its select list's set-returning calls, in lockstep.
fn project_set(row: Row, calls: &[SetCall], ctx: &Ctx) -> Result<Vec<Row>> {
    let mut sets = Vec::with_capacity(calls.len());
    for c in calls {
        let items = match c.array.eval(&row, ctx.eval)? {
            Value::Array(items) => items,
            _ => Vec::new(),
        };
        let dim = c.dim.as_ref().map(|d| d.eval(&row, ctx.eval)).transpose()?;
        sets.push(match c.func {
            SetFunc::Unnest => items,
            SetFunc::Subscripts if dim.and_then(|d| d.as_i64()) == Some(1) => (0..items.len() as i32).map(|i| Value::Int4(c.lower + i)).collect(),
            SetFunc::Subscripts => Vec::new(),
        });
    }
    let len = sets.iter().map(Vec::len).max().unwrap_or(0);
    Ok((0..len).map(|i| row.iter().cloned().chain(sets.iter().map(|s| s.get(i).cloned().unwrap_or(Value::Null))).collect()).collect())
}

/// WITH RECURSIVE: iterates `step` over the newest rows until none come.
fn recursive(id: usize, all: bool, base: &Rel, step: &Rel, ctx: &Ctx) -> Result<Vec<Row>> {
    let mut seen = ahash::AHashSet::new();
    let mut fresh = |rows: Vec<Row>| -> Vec<Row> { rows.into_iter().filter(|r| all || seen.insert(r.clone())).collect() };
    let mut out = Vec::new();
    let mut working = fresh(run(base, ctx)?.collect::<Result<Vec<_>>>()?);
    while !working.is_empty() {
        ctx.interrupt.check()?;
        let frames: Vec<(usize, &[Row])> = ctx.work.iter().copied().chain(std::iter::once((id, working.as_slice()))).collect();
        let inner = Ctx { work: &frames, ..*ctx };
        let next = run(step, &inner)?.collect::<Result<Vec<_>>>()?;
        out.append(&mut working);
        working = fresh(next);
    }
    Ok(out)
}

/// UNION / INTERSECT / EXCEPT: left rows in order, then (UNION) the right side's. Without ALL
/// each distinct row appears once; with ALL, INTERSECT keeps min(m, n) copies of a row seen m
/// times on the left and n on the right, EXCEPT keeps max(m - n, 0).
fn set_op(op: SetOp, all: bool, left: Rows, right: Vec<Row>) -> Result<Vec<Row>> {
    let mut out = Vec::new();
    let mut seen = ahash::AHashSet::new();
    if op == SetOp::Union {
        for row in left.chain(right.into_iter().map(Ok)) {
            let row = row?;
            if all || seen.insert(row.clone()) {
                out.push(row);
            }
        }
        return Ok(out);
    }
    let mut counts: ahash::AHashMap<Row, usize> = ahash::AHashMap::new();
    for row in right {
        *counts.entry(row).or_default() += 1;
    }
    for row in left {
        let row = row?;
        let in_right = counts.get_mut(&row).filter(|n| **n > 0);
        let keep = match (op, in_right) {
            (SetOp::Intersect, Some(n)) => {
                if all {
                    *n -= 1;
                }
                true
            }
            (SetOp::Except, Some(n)) if all => {
                *n -= 1;
                false
            }
            (SetOp::Except, Some(_)) => false,
            (SetOp::Except, None) => true,
            _ => false,
        };
        if keep && (all || seen.insert(row.clone())) {
            out.push(row);
        }
    }
    Ok(out)
}

/// Rows with their keys and versions from a Scan / IndexLookup, optionally under a Filter
/// (what UPDATE and DELETE need).
pub fn stored_rows<'a>(rel: &'a Rel, ctx: &'a Ctx<'a>) -> Result<Box<dyn Iterator<Item = Result<StoredRow>> + 'a>> {
    Ok(match rel {
        Rel::Scan { table } => {
            let rows = ctx.view(table)?.scan()?;
            Box::new(rows.map(move |r| ctx.interrupt.check().and(r)))
        }
        Rel::IndexLookup { table, columns, keys } => Box::new(lookup(table, columns, keys, ctx)?.into_iter().map(Ok)),
        Rel::Filter { input, predicate } => match input.as_ref() {
            Rel::Scan { table } => filtered_scan(table, predicate, ctx)?,
            _ => Box::new(stored_rows(input, ctx)?.filter_map(move |r| {
                let keep = r.and_then(|s| Ok((truth(&predicate.eval(&s.row, ctx.eval)?), s)));
                match keep {
                    Ok((true, s)) => Some(Ok(s)),
                    Ok((false, _)) => None,
                    Err(e) => Some(Err(e)),
                }
            })),
        },
        other => return Err(Error::internal(format!("not a table access path: {other}"))),
    })
}

/// Nested-loop join of streamed left rows with materialized right rows.
fn join<'a>(left: Rows<'a>, right: Vec<Row>, on: Option<&'a Expr>, left_outer: bool, right_width: usize, ctx: &'a Ctx<'a>) -> Rows<'a> {
    Box::new(left.flat_map(move |l| {
        let out: Result<Vec<Row>> = l.and_then(|l| {
            let mut rows = Vec::new();
            for r in &right {
                ctx.interrupt.check()?;
                let row: Row = l.iter().chain(r).cloned().collect();
                if on.map_or(Ok(true), |p| p.eval(&row, ctx.eval).map(|v| truth(&v)))? {
                    rows.push(row);
                }
            }
            if rows.is_empty() && left_outer {
                rows.push(l.iter().cloned().chain(std::iter::repeat_n(Value::Null, right_width)).collect());
            }
            Ok(rows)
        });
        match out {
            Ok(rows) => rows.into_iter().map(Ok).collect::<Vec<_>>(),
            Err(e) => vec![Err(e)],
        }
    }))
}

/// A table scan under a filter: the filter runs on rows where only the columns it reads are
/// decoded, and only the rows it keeps are decoded whole (for SELECT, UPDATE and DELETE alike).
fn filtered_scan<'a>(table: &str, predicate: &'a Expr, ctx: &'a Ctx<'a>) -> Result<Box<dyn Iterator<Item = Result<StoredRow>> + 'a>> {
    let view = ctx.view(table)?;
    let mut needed = vec![false; view.schema.columns.len()];
    predicate.walk(&mut |e| {
        if let Expr::Column(i) = e {
            needed[*i] = true;
        }
    });
    let keep = move |row: &Row| {
        ctx.interrupt.check()?;
        Ok(truth(&predicate.eval(row, ctx.eval)?))
    };
    view.scan_where(needed, keep)
}

/// generate_series over integers, in the type of `start`.
fn series<'a>(start: &Expr, stop: &Expr, step: Option<&Expr>, ctx: &'a Ctx<'a>) -> Result<Rows<'a>> {
    let start = start.eval(&[], ctx.eval)?;
    let (stop, step) = (stop.eval(&[], ctx.eval)?, step.map_or(Ok(Value::Int4(1)), |e| e.eval(&[], ctx.eval))?);
    let (Some(a), Some(b), Some(s)) = (start.as_i64(), stop.as_i64(), step.as_i64()) else { return Ok(Box::new(std::iter::empty())) };
    if s == 0 {
        return Err(Error::new(sqlstate::INVALID_PARAMETER_VALUE, "step size cannot equal zero"));
    }
    let wide = matches!(start, Value::Int8(_));
    let values = std::iter::successors(Some(a), move |x| x.checked_add(s)).take_while(move |x| if s > 0 { *x <= b } else { *x >= b });
    Ok(Box::new(values.map(move |x| ctx.interrupt.check().map(|()| vec![if wide { Value::Int8(x) } else { Value::Int4(x as i32) }]))))
}

fn lookup(table: &str, columns: &[usize], keys: &[Vec<Expr>], ctx: &Ctx) -> Result<Vec<StoredRow>> {
    let view = ctx.view(table)?;
    let is_pk = view.schema.primary_key_columns() == columns;
    let mut out = Vec::new();
    let mut seen: Vec<Vec<Value>> = Vec::new();
    let tuples = key_tuples(keys, columns, &view.schema, ctx)?;
    let many = tuples.len() > 1;
    for values in tuples {
        if values.iter().any(Value::is_null) || seen.contains(&values) {
            continue;
        }
        if many {
            seen.push(values.clone());
        }
        if is_pk {
            out.extend(view.get(&Key(values.into_iter().collect()))?);
            continue;
        }
        match view.lookup(columns, &values)? {
            Some(rows) => out.extend(rows),
            None => return view.scan()?.collect(),
        }
    }
    Ok(out)
}

/// The key tuples to look up: each key's values, where a one-column key that evaluates to an
/// array for a column that is no array (`col = ANY(array)`) stands for each element.
fn key_tuples(keys: &[Vec<Expr>], columns: &[usize], schema: &crate::catalog::TableSchema, ctx: &Ctx) -> Result<Vec<Vec<Value>>> {
    let spreads = matches!(columns, [c] if !matches!(schema.columns[*c].data_type, crate::types::DataType::Array(_)));
    let mut out = Vec::with_capacity(keys.len());
    for key in keys {
        let values = key.iter().map(|e| e.eval(&[], ctx.eval)).collect::<Result<Vec<_>>>()?;
        match values.as_slice() {
            [Value::Array(items)] if spreads => out.extend(items.iter().map(|v| vec![v.clone()])),
            _ => out.push(values),
        }
    }
    Ok(out)
}

fn sort(rows: Rows, keys: &[SortKey], ctx: &Ctx) -> Result<Vec<Row>> {
    let mut keyed = rows
        .map(|r| r.and_then(|row| Ok((keys.iter().map(|k| k.expr.eval(&row, ctx.eval)).collect::<Result<smallvec::SmallVec<[Value; 2]>>>()?, row))))
        .collect::<Result<Vec<_>>>()?;
    keyed.sort_by(|(a, _), (b, _)| compare_keys(a, b, keys));
    Ok(keyed.into_iter().map(|(_, r)| r).collect())
}

/// ORDER BY comparison: NULLs last ascending and first descending unless told otherwise.
pub fn compare_keys(a: &[Value], b: &[Value], keys: &[SortKey]) -> Ordering {
    for ((x, y), k) in a.iter().zip(b).zip(keys) {
        let ord = match (x.is_null(), y.is_null()) {
            (true, true) => Ordering::Equal,
            (true, false) => {
                if k.nulls_first {
                    Ordering::Less
                } else {
                    Ordering::Greater
                }
            }
            (false, true) => {
                if k.nulls_first {
                    Ordering::Greater
                } else {
                    Ordering::Less
                }
            }
            _ if k.desc => y.cmp(x),
            _ => x.cmp(y),
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}

type AggInputs = Vec<Vec<(Vec<Value>, Value, Value)>>;

/// Groups the input (one group when there are no group columns, even for no rows) and
/// folds each group into a row: group values, then aggregate values, groups in first-seen order.
fn aggregate(rows: Rows, groups: &[usize], aggs: &[Aggregate], ctx: &Ctx) -> Result<Vec<Row>> {
    let mut index: ahash::AHashMap<Vec<Value>, usize> = ahash::AHashMap::new();
    let mut states: Vec<(Vec<Value>, AggInputs)> = Vec::new();
    if groups.is_empty() {
        states.push((Vec::new(), vec![Vec::new(); aggs.len()]));
    }
    for row in rows {
        let row = row?;
        let key: Vec<Value> = groups.iter().map(|g| row[*g].clone()).collect();
        let slot = match index.get(&key) {
            Some(i) => *i,
            None if groups.is_empty() => 0,
            None => {
                index.insert(key.clone(), states.len());
                states.push((key, vec![Vec::new(); aggs.len()]));
                states.len() - 1
            }
        };
        gather(&row, aggs, &mut states[slot].1, ctx)?;
    }
    states.into_iter().map(|(key, inputs)| Ok(key.into_iter().chain(finish_group(aggs, inputs)?).collect())).collect()
}

/// Each aggregate first gathers its (sort keys, value, delimiter) inputs, so DISTINCT and
/// ORDER BY inside the call apply before folding.
fn gather(row: &Row, aggs: &[Aggregate], inputs: &mut AggInputs, ctx: &Ctx) -> Result<()> {
    for (a, acc) in aggs.iter().zip(inputs.iter_mut()) {
        let v = a.arg.as_ref().map_or(Ok(Value::Bool(true)), |e| e.eval(row, ctx.eval))?;
        if v.is_null() && a.func != AggFunc::ArrayAgg {
            continue;
        }
        let keys = a.order.iter().map(|k| k.expr.eval(row, ctx.eval)).collect::<Result<Vec<_>>>()?;
        let delim = a.delimiter.as_ref().map_or(Ok(Value::Null), |e| e.eval(row, ctx.eval))?;
        acc.push((keys, v, delim));
    }
    Ok(())
}

fn finish_group(aggs: &[Aggregate], inputs: AggInputs) -> Result<Vec<Value>> {
    aggs.iter()
        .zip(inputs)
        .map(|(a, mut vals)| {
            if !a.order.is_empty() {
                vals.sort_by(|x, y| compare_keys(&x.0, &y.0, &a.order));
            }
            if a.distinct {
                let mut seen = ahash::AHashSet::new();
                vals.retain(|(_, v, _)| seen.insert(v.clone()));
            }
            fold(a, vals)
        })
        .collect()
}

fn fold(a: &Aggregate, vals: Vec<(Vec<Value>, Value, Value)>) -> Result<Value> {
    let n = vals.len() as i64;
    let mut acc = Value::Null;
    let mut text = String::new();
    let mut items = Vec::new();
    for (i, (_, v, delim)) in vals.into_iter().enumerate() {
        acc = match (a.func, &acc) {
            (AggFunc::CountStar | AggFunc::Count, _) => Value::Null,
            (AggFunc::StringAgg, _) => {
                if i > 0 {
                    text.push_str(crate::sql::expr::text(&delim));
                }
                text.push_str(crate::sql::expr::text(&v));
                Value::Null
            }
            (AggFunc::ArrayAgg, _) => {
                items.push(v);
                Value::Null
            }
            (_, Value::Null) => v,
            (AggFunc::BoolAnd, _) => Value::Bool(acc == Value::Bool(true) && v == Value::Bool(true)),
            (AggFunc::BoolOr, _) => Value::Bool(acc == Value::Bool(true) || v == Value::Bool(true)),
            (AggFunc::Sum | AggFunc::Avg, _) => ops::binary(BinaryOp::Add, &acc, &v)?,
            (AggFunc::Min, _) => {
                if v < acc {
                    v
                } else {
                    acc
                }
            }
            (AggFunc::Max, _) => {
                if v > acc {
                    v
                } else {
                    acc
                }
            }
        };
    }
    Ok(match a.func {
        AggFunc::CountStar | AggFunc::Count => Value::Int8(n),
        AggFunc::StringAgg if n > 0 => Value::Text(text),
        AggFunc::ArrayAgg if n > 0 => Value::Array(items),
        AggFunc::Avg if n > 0 => {
            let count = match acc {
                Value::Float8(_) => Value::Float8(n as f64),
                _ => Value::Numeric(n.into()),
            };
            ops::binary(BinaryOp::Div, &acc, &count)?
        }
        _ => acc,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::expr::Expr;

    #[test]
    fn set_operations_count_duplicates_like_postgres() {
        let rows = |v: &[i32]| v.iter().map(|i| vec![Value::Int4(*i)]).collect::<Vec<Row>>();
        let left = |v: &[i32]| -> Rows { Box::new(rows(v).into_iter().map(Ok)) };
        let run = |op, all, l: &[i32], r: &[i32]| set_op(op, all, left(l), rows(r)).unwrap();
        assert_eq!(run(SetOp::Union, false, &[1, 1, 2], &[2, 3]), rows(&[1, 2, 3]));
        assert_eq!(run(SetOp::Union, true, &[1, 1], &[1]), rows(&[1, 1, 1]));
        assert_eq!(run(SetOp::Intersect, false, &[1, 1, 2], &[1, 1, 3]), rows(&[1]));
        assert_eq!(run(SetOp::Intersect, true, &[1, 1, 1, 2], &[1, 1, 3]), rows(&[1, 1]));
        assert_eq!(run(SetOp::Except, false, &[1, 1, 2, 3], &[3]), rows(&[1, 2]));
        assert_eq!(run(SetOp::Except, true, &[1, 1, 1, 2], &[1, 2]), rows(&[1, 1]));
    }

    #[test]
    fn nulls_sort_last_ascending_and_first_descending() {
        let asc = [SortKey { expr: Expr::Column(0), desc: false, nulls_first: false }];
        let desc = [SortKey { expr: Expr::Column(0), desc: true, nulls_first: true }];
        let (one, null) = ([Value::Int4(1)], [Value::Null]);
        assert_eq!(compare_keys(&one, &null, &asc), Ordering::Less);
        assert_eq!(compare_keys(&one, &null, &desc), Ordering::Greater);
        assert_eq!(compare_keys(&[Value::Int4(2)], &one, &desc), Ordering::Less);
    }
}
