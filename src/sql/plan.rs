//! The plan tree the binder produces and the executor runs.
//!
//! Row-producing nodes ([`Rel`]) form a tree: leaves read tables (Scan, IndexLookup), virtual
//! catalog tables (Virtual), table functions (Series) or literal rows (Values); Join,
//! Filter, Aggregate, Project, Distinct, Sort and Limit transform their inputs. Subqueries and
//! CTEs fit as further leaves over a bound inner `Rel`. Statements ([`Plan`]) wrap a `Rel`
//! for queries and DML, or carry DDL / session / transaction commands. `Display` prints an
//! EXPLAIN-like tree used in tests.

use super::expr::Expr;
use crate::catalog::TableSchema;
use crate::types::DataType;
use std::fmt;
use std::sync::Arc;

/// One output column of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct OutCol {
    pub name: String,
    pub data_type: DataType,
    /// The stored table column it shows unchanged, if any (RowDescription names it).
    pub origin: Option<Origin>,
}

/// A stored table's column: the table's name and the column's attribute number (from 1).
#[derive(Debug, Clone, PartialEq)]
pub struct Origin {
    pub table: String,
    pub attnum: i16,
}

impl OutCol {
    /// A column computed by the statement, shown from no table.
    pub fn computed(name: String, data_type: DataType) -> OutCol {
        OutCol { name, data_type, origin: None }
    }
}

#[derive(Debug, Clone)]
pub struct SortKey {
    pub expr: Expr,
    pub desc: bool,
    pub nulls_first: bool,
}

/// A row source.
#[derive(Debug, Clone)]
pub enum Rel {
    /// Literal rows (VALUES, and the single empty row of SELECT without FROM).
    Values {
        rows: Vec<Vec<Expr>>,
    },
    /// generate_series(start, stop[, step]) as a one-column row source.
    Series {
        start: Expr,
        stop: Expr,
        step: Option<Expr>,
    },
    /// unnest(array, ...): one row per position, one column per array (NULL past an end).
    Unnest {
        arrays: Vec<Expr>,
    },
    /// Each input row followed by the values of set-returning calls of the select list, one
    /// output row per position of the longest set (see `sql::bind::srf`).
    ProjectSet {
        input: Box<Rel>,
        calls: Vec<SetCall>,
    },
    /// A virtual catalog table (`pg_catalog.pg_class`, `information_schema.columns`, ...),
    /// computed from the schemas (see `exec::pg_catalog`).
    Virtual {
        table: String,
    },
    /// Every row of a table, in file order.
    Scan {
        table: String,
    },
    /// Rows whose `columns` equal one of `keys` (equality or IN on an indexed column set).
    IndexLookup {
        table: String,
        columns: Vec<usize>,
        keys: Vec<Vec<Expr>>,
    },
    /// Nested-loop join: each left row with each right row (`left ++ right`) passing `on`;
    /// a LEFT join keeps unmatched left rows padded with `right_width` NULLs.
    Join {
        left: Box<Rel>,
        right: Box<Rel>,
        on: Option<Expr>,
        left_outer: bool,
        right_width: usize,
    },
    Filter {
        input: Box<Rel>,
        predicate: Expr,
    },
    Project {
        input: Box<Rel>,
        exprs: Vec<Expr>,
    },
    Sort {
        input: Box<Rel>,
        keys: Vec<SortKey>,
    },
    Limit {
        input: Box<Rel>,
        limit: Option<Expr>,
        offset: Option<Expr>,
    },
    Distinct {
        input: Box<Rel>,
    },
    /// UNION / INTERSECT / EXCEPT of two inputs of the same width and types; without `all`,
    /// duplicates go (NULLs equal), else counts combine as PostgreSQL's ALL forms do.
    SetOp {
        op: SetOp,
        all: bool,
        left: Box<Rel>,
        right: Box<Rel>,
    },
    /// WITH RECURSIVE: `base`'s rows, then `step`'s rows over the previous iteration's rows
    /// (read by `WorkTable { id }`) until an iteration yields none; without `all`, rows seen
    /// before are dropped.
    Recursive {
        id: usize,
        all: bool,
        base: Box<Rel>,
        step: Box<Rel>,
    },
    /// The rows of recursive query `id`'s previous iteration.
    WorkTable {
        id: usize,
    },
    /// Aggregates over the whole input, or per group of the `groups` input columns; each
    /// output row is the group's column values followed by the aggregate values.
    Aggregate {
        input: Box<Rel>,
        groups: Vec<usize>,
        aggs: Vec<Aggregate>,
    },
}

/// A set-returning function of a select list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetFunc {
    /// unnest(array): the elements.
    Unnest,
    /// generate_subscripts(array, dim): the subscripts of dimension `dim` (1 for our arrays),
    /// from the call's `lower` bound.
    Subscripts,
}

impl SetFunc {
    pub fn name(self) -> &'static str {
        match self {
            SetFunc::Unnest => "unnest",
            SetFunc::Subscripts => "generate_subscripts",
        }
    }
}

#[derive(Debug, Clone)]
pub struct SetCall {
    pub func: SetFunc,
    pub array: Expr,
    pub dim: Option<Expr>,
    /// The first subscript: 1, or 0 for int2vector / oidvector, as in PostgreSQL.
    pub lower: i32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetOp {
    Union,
    Intersect,
    Except,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggFunc {
    CountStar,
    Count,
    Sum,
    Avg,
    Min,
    Max,
    /// string_agg(value, delimiter)
    StringAgg,
    /// array_agg(value): every value, NULLs too, in input (or the call's ORDER BY) order.
    ArrayAgg,
    BoolAnd,
    BoolOr,
}

#[derive(Debug, Clone)]
pub struct Aggregate {
    pub func: AggFunc,
    pub arg: Option<Expr>,
    /// string_agg's delimiter.
    pub delimiter: Option<Expr>,
    /// `agg(DISTINCT x)`.
    pub distinct: bool,
    /// `agg(x ORDER BY ...)`: keys over the input row.
    pub order: Vec<SortKey>,
    pub data_type: DataType,
}

/// A subquery of an expression. An uncorrelated one runs at most once per statement; a
/// correlated one reads its outer query's values as [`Expr::Outer`] and runs once per use.
#[derive(Debug, Clone)]
pub struct SubQuery {
    pub rel: Rel,
    pub kind: SubqueryKind,
    pub correlated: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubqueryKind {
    /// `(SELECT x ...)`: one value (NULL for no row, 21000 for several).
    Scalar,
    /// `EXISTS (SELECT ...)`
    Exists,
    /// `x IN (SELECT ...)`, `x = ANY (SELECT ...)`, `ARRAY(SELECT ...)`: every value, as an array.
    List,
}

/// Where a DML statement's target rows come from.
#[derive(Debug, Clone)]
pub struct Target {
    pub table: String,
    /// Scan or IndexLookup over the table, optionally wrapped in a Filter.
    pub source: Rel,
}

#[derive(Debug, Clone)]
pub enum InsertSource {
    /// One cell per table column, per row; None takes the column's default.
    Values(Vec<Vec<Option<Expr>>>),
    /// A query whose i-th output goes to table column `columns[i]`; other columns default.
    Query { rel: Box<Rel>, columns: Vec<usize> },
}

/// How a column left out of an INSERT gets its value.
#[derive(Debug, Clone)]
pub enum ColumnDefault {
    Null,
    Expr(Expr),
    /// serial / identity: the table's sequence for this column.
    Sequence,
    /// A uuid primary key without a default: a fresh UUIDv7.
    Uuid7,
}

#[derive(Debug, Clone)]
pub enum OnConflict {
    Error,
    DoNothing {
        columns: Vec<usize>,
    },
    /// SET expressions see the existing row followed by the EXCLUDED row.
    DoUpdate {
        columns: Vec<usize>,
        sets: Vec<(usize, Expr)>,
        predicate: Option<Expr>,
    },
}

#[derive(Debug, Clone)]
pub struct InsertPlan {
    pub table: String,
    pub source: InsertSource,
    pub defaults: Vec<ColumnDefault>,
    pub on_conflict: OnConflict,
    pub returning: Option<Vec<Expr>>,
}

#[derive(Debug, Clone)]
pub struct UpdatePlan {
    pub target: Target,
    pub sets: Vec<(usize, Expr)>,
    pub returning: Option<Vec<Expr>>,
}

#[derive(Debug, Clone)]
pub struct DeletePlan {
    pub target: Target,
    pub returning: Option<Vec<Expr>>,
}

/// A schema change, computed by the binder as the new schema to write.
#[derive(Debug, Clone)]
pub enum Ddl {
    CreateTable(Arc<TableSchema>),
    /// DROP TABLE; with CASCADE, `detach` holds the other tables' schemas without their
    /// foreign keys to the dropped tables.
    DropTable {
        names: Vec<String>,
        detach: Vec<Arc<TableSchema>>,
    },
    /// ALTER TABLE / CREATE INDEX / DROP INDEX: the new schema; `rewrite` maps each new column
    /// to an expression over the old row when the rows must change shape.
    Alter {
        old_name: String,
        schema: Arc<TableSchema>,
        rewrite: Option<Vec<Expr>>,
    },
    Truncate {
        names: Vec<String>,
    },
    /// CREATE TYPE ... AS ENUM.
    CreateType {
        name: String,
        def: crate::storage::EnumType,
    },
    /// ALTER TYPE ... ADD VALUE: the type's new definition.
    AlterType {
        name: String,
        def: crate::storage::EnumType,
    },
    DropType {
        names: Vec<String>,
    },
    /// A statement that changed nothing (IF [NOT] EXISTS), with its NOTICE.
    Nothing {
        notice: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum TxnCmd {
    Begin { read_only: bool, isolation: Option<String> },
    Commit,
    Rollback,
    Savepoint(String),
    Release(String),
    RollbackTo(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum SessionCmd {
    /// SET name = value (None = DEFAULT), local to the transaction when `local`.
    Set {
        name: String,
        value: Option<String>,
        local: bool,
    },
    Reset {
        name: Option<String>,
    },
    /// DISCARD ALL: RESET ALL plus dropping session state.
    Discard,
    Show {
        name: String,
    },
}

/// A bound statement.
#[derive(Debug, Clone)]
pub enum Plan {
    Query {
        rel: Rel,
        columns: Vec<OutCol>,
    },
    Insert(InsertPlan),
    Update(UpdatePlan),
    Delete(DeletePlan),
    Ddl {
        ddl: Ddl,
        tag: &'static str,
    },
    /// A statement accepted without effect here (CLOSE ALL, UNLISTEN *, DEALLOCATE: the
    /// protocol layer owns prepared statements), with its tag.
    NoOp {
        tag: String,
    },
    Txn(TxnCmd),
    Session(SessionCmd),
    Empty,
}

impl Plan {
    /// The result columns of a statement that returns rows.
    pub fn columns(&self, returning: &[OutCol]) -> Option<Vec<OutCol>> {
        match self {
            Plan::Query { columns, .. } => Some(columns.clone()),
            Plan::Session(SessionCmd::Show { name }) => Some(vec![OutCol::computed(name.clone(), DataType::Text)]),
            Plan::Insert(InsertPlan { returning: Some(_), .. })
            | Plan::Update(UpdatePlan { returning: Some(_), .. })
            | Plan::Delete(DeletePlan { returning: Some(_), .. }) => Some(returning.to_vec()),
            _ => None,
        }
    }
}

impl Rel {
    fn fmt_tree(&self, f: &mut fmt::Formatter<'_>, depth: usize) -> fmt::Result {
        let pad = "  ".repeat(depth);
        let list = |e: &[Expr]| e.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(", ");
        let input = match self {
            Rel::Values { rows } => return writeln!(f, "{pad}Values rows={}", rows.len()),
            Rel::Series { start, stop, .. } => return writeln!(f, "{pad}Series {start} .. {stop}"),
            Rel::Scan { table } => return writeln!(f, "{pad}Scan {table}"),
            Rel::Virtual { table } => return writeln!(f, "{pad}Virtual {table}"),
            Rel::Unnest { arrays } => return writeln!(f, "{pad}Unnest {}", list(arrays)),
            Rel::IndexLookup { table, columns, keys } => return writeln!(f, "{pad}IndexLookup {table} columns={columns:?} keys={}", keys.len()),
            Rel::Filter { input, predicate } => {
                writeln!(f, "{pad}Filter {predicate}")?;
                input
            }
            Rel::ProjectSet { input, calls } => {
                writeln!(f, "{pad}ProjectSet {}", calls.iter().map(|c| format!("{}({})", c.func.name(), c.array)).collect::<Vec<_>>().join(", "))?;
                input
            }
            Rel::Join { left, right, on, left_outer, .. } => {
                writeln!(f, "{pad}{}Join on {}", if *left_outer { "Left" } else { "" }, opt(on))?;
                left.fmt_tree(f, depth + 1)?;
                right
            }
            Rel::Project { input, exprs } => {
                writeln!(f, "{pad}Project {}", list(exprs))?;
                input
            }
            Rel::Sort { input, keys } => {
                let k: Vec<String> = keys.iter().map(|k| format!("{}{}", k.expr, if k.desc { " DESC" } else { "" })).collect();
                writeln!(f, "{pad}Sort {}", k.join(", "))?;
                input
            }
            Rel::Limit { input, limit, offset } => {
                writeln!(f, "{pad}Limit {} offset {}", opt(limit), opt(offset))?;
                input
            }
            Rel::Distinct { input } => {
                writeln!(f, "{pad}Distinct")?;
                input
            }
            Rel::SetOp { op, all, left, right } => {
                writeln!(f, "{pad}{op:?}{}", if *all { " All" } else { "" })?;
                left.fmt_tree(f, depth + 1)?;
                right
            }
            Rel::WorkTable { id } => return writeln!(f, "{pad}WorkTable {id}"),
            Rel::Recursive { id, all, base, step } => {
                writeln!(f, "{pad}Recursive {id}{}", if *all { " All" } else { "" })?;
                base.fmt_tree(f, depth + 1)?;
                step
            }
            Rel::Aggregate { input, groups, aggs } => {
                writeln!(f, "{pad}Aggregate groups={groups:?} {:?}", aggs.iter().map(|a| a.func).collect::<Vec<_>>())?;
                input
            }
        };
        input.fmt_tree(f, depth + 1)
    }
}

fn opt(e: &Option<Expr>) -> String {
    e.as_ref().map_or("-".to_string(), |e| e.to_string())
}

impl fmt::Display for Rel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_tree(f, 0)
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Plan::Query { rel, .. } => write!(f, "{rel}"),
            Plan::Insert(i) => writeln!(f, "Insert {}", i.table),
            Plan::Update(u) => write!(f, "Update {}\n{}", u.target.table, u.target.source),
            Plan::Delete(d) => write!(f, "Delete {}\n{}", d.target.table, d.target.source),
            other => writeln!(f, "{other:?}"),
        }
    }
}
