//! Access-path choice: a WHERE clause whose conjuncts fix the primary key, a unique
//! constraint or an index (equality, or IN or `= ANY(array)` on a one-column key; the
//! executor spreads an ANY key's array into one key per element) reads through that index;
//! anything else scans. The whole predicate stays as a filter, so the path only narrows.

use super::Scope;
use crate::sql::expr::{CmpOp, Expr};
use crate::sql::plan::Rel;

/// Wraps `rel` (a Scan) in the best access path for `predicate`, then the filter.
pub fn choose(rel: Rel, predicate: Expr, scope: &Scope) -> Rel {
    let input = match (&rel, scope.tables.first()) {
        (Rel::Scan { table }, Some(t)) => lookup(table, &t.schema, &predicate).unwrap_or(rel),
        _ => rel,
    };
    Rel::Filter { input: Box::new(input), predicate }
}

fn lookup(table: &str, schema: &crate::catalog::TableSchema, predicate: &Expr) -> Option<Rel> {
    let mut conjuncts = Vec::new();
    flatten(predicate, &mut conjuncts);
    let pk = schema.primary_key_columns();
    let indexes = schema.indexes.iter().map(|i| i.columns.iter().filter_map(|c| schema.column_index(c)).collect::<Vec<_>>());
    let candidates = std::iter::once(pk).chain(indexes).filter(|cols| !cols.is_empty());
    candidates.into_iter().find_map(|cols| {
        let keys = keys_for(&cols, &conjuncts)?;
        Some(Rel::IndexLookup { table: table.to_string(), columns: cols, keys })
    })
}

fn flatten<'a>(e: &'a Expr, out: &mut Vec<&'a Expr>) {
    match e {
        Expr::And(l, r) => {
            flatten(l, out);
            flatten(r, out);
        }
        other => out.push(other),
    }
}

/// The key tuples the conjuncts pin `cols` to: one tuple for equalities, several for IN.
fn keys_for(cols: &[usize], conjuncts: &[&Expr]) -> Option<Vec<Vec<Expr>>> {
    if let [col] = cols {
        if let Some(list) = conjuncts.iter().find_map(|c| in_list(c, *col)) {
            return Some(list.iter().map(|e| vec![e.clone()]).collect());
        }
        if let Some(array) = conjuncts.iter().find_map(|c| any_array(c, *col)) {
            return Some(vec![vec![array.clone()]]);
        }
    }
    let tuple = cols.iter().map(|c| conjuncts.iter().find_map(|e| equality(e, *c)).cloned()).collect::<Option<Vec<_>>>()?;
    Some(vec![tuple])
}

fn equality(e: &Expr, col: usize) -> Option<&Expr> {
    let Expr::Compare { op: CmpOp::Eq, left, right } = e else { return None };
    match (left.as_ref(), right.as_ref()) {
        (c, v) | (v, c) if is_column(c, col) && !reads_row(v) => Some(v),
        _ => None,
    }
}

fn in_list(e: &Expr, col: usize) -> Option<&[Expr]> {
    match e {
        Expr::InList { expr, list, negated: false } if is_column(expr, col) && !list.iter().any(reads_row) => Some(list),
        _ => None,
    }
}

/// The array of `col = ANY(array)`.
fn any_array(e: &Expr, col: usize) -> Option<&Expr> {
    match e {
        Expr::AnyAll { op: CmpOp::Eq, left, array, all: false } if is_column(left, col) && !reads_row(array) => Some(array),
        _ => None,
    }
}

/// The column itself, or the column widened to a larger integer type (an int4 key compared
/// with an int8 parameter): integer values of any width are equal keys.
fn is_column(e: &Expr, col: usize) -> bool {
    match e {
        Expr::Column(c) => *c == col,
        Expr::Cast { expr, from, to, .. } if from.is_integer() && to.is_integer() => matches!(expr.as_ref(), Expr::Column(c) if *c == col),
        _ => false,
    }
}

/// Whether an expression depends on the row (so it cannot be a lookup key).
pub fn reads_row(e: &Expr) -> bool {
    let mut reads = false;
    e.walk(&mut |x| reads |= matches!(x, Expr::Column(_)));
    reads
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::TableSchema;
    use crate::types::Value;
    use std::sync::Arc;

    fn schema() -> Arc<TableSchema> {
        let text = r#"{"name":"t","columns":[{"name":"id","type":"integer","primary_key":true},{"name":"e","type":"text"},{"name":"n","type":"integer"}],"indexes":[{"name":"t_e_key","columns":["e"],"unique":true}]}"#;
        Arc::new(serde_json::from_str(text).unwrap())
    }

    fn eq(col: usize, v: i32) -> Expr {
        Expr::Compare { op: CmpOp::Eq, left: Expr::Column(col).boxed(), right: Expr::Literal(Value::Int4(v)).boxed() }
    }

    #[test]
    fn primary_key_and_unique_equalities_use_the_index() {
        let s = schema();
        let scope = Scope::of("t", s.clone());
        let scan = || Rel::Scan { table: "t".into() };
        let plan = choose(scan(), Expr::And(eq(2, 1).boxed(), eq(0, 5).boxed()), &scope);
        assert!(plan.to_string().contains("IndexLookup t columns=[0] keys=1"), "{plan}");
        let plan = choose(scan(), eq(1, 5), &scope);
        assert!(plan.to_string().contains("IndexLookup t columns=[1]"), "{plan}");
        let plan = choose(scan(), eq(2, 5), &scope);
        assert!(plan.to_string().contains("Scan t"), "{plan}");
        let in_list = Expr::InList { expr: Expr::Column(0).boxed(), list: vec![Expr::Param(0), Expr::Param(1)], negated: false };
        assert!(choose(scan(), in_list, &scope).to_string().contains("keys=2"));
        let any = Expr::AnyAll { op: CmpOp::Eq, left: Expr::Column(1).boxed(), array: Expr::Param(0).boxed(), all: false };
        assert!(choose(scan(), any, &scope).to_string().contains("IndexLookup t columns=[1] keys=1"));
        let all = Expr::AnyAll { op: CmpOp::Eq, left: Expr::Column(1).boxed(), array: Expr::Param(0).boxed(), all: true };
        assert!(choose(scan(), all, &scope).to_string().contains("Scan t"));
        let widened = Expr::Cast {
            expr: Expr::Column(0).boxed(),
            from: crate::types::DataType::Int4,
            to: crate::types::DataType::Int8,
            kind: crate::types::cast::CastKind::Implicit,
        };
        let eq8 = Expr::Compare { op: CmpOp::Eq, left: widened.boxed(), right: Expr::Param(0).boxed() };
        assert!(choose(scan(), eq8, &scope).to_string().contains("IndexLookup t columns=[0]"));
    }
}
