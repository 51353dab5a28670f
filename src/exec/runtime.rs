//! The runtime of a reading statement: its subqueries, and the catalog-reading functions.
//!
//! A [`Runner`] is the statement's [`Runtime`]: it runs subquery `i` when an expression
//! first needs its value. An uncorrelated subquery runs at most once and its value is kept;
//! a correlated one runs again for each set of outer values it is given (per outer row).
//! Write statements cannot interleave reads with their writes, so they take the values of
//! their (uncorrelated) subqueries up front with [`Runner::all`].

use super::executor::{run, Ctx, Rows};
use super::interrupt::Interrupt;
use super::settings::Settings;
use super::txn::TxnState;
use crate::error::{sqlstate, Error, Result};
use crate::sql::catalog_functions::CatalogFn;
use crate::sql::expr::{Env, EvalCtx, Runtime};
use crate::sql::plan::{SubQuery, SubqueryKind};
use crate::storage::Snapshot;
use crate::types::Value;
use std::cell::RefCell;

/// What a statement's subqueries read: the same snapshot, transaction and session facts.
pub struct Runner<'a> {
    plans: &'a [SubQuery],
    snap: &'a Snapshot,
    txn: &'a TxnState,
    interrupt: &'a Interrupt,
    settings: &'a Settings,
    params: &'a [Value],
    env: &'a Env,
    /// The values of the uncorrelated subqueries that ran.
    values: RefCell<Vec<Option<Value>>>,
}

impl<'a> Runner<'a> {
    pub fn new(
        plans: &'a [SubQuery],
        snap: &'a Snapshot,
        txn: &'a TxnState,
        interrupt: &'a Interrupt,
        settings: &'a Settings,
        params: &'a [Value],
        env: &'a Env,
    ) -> Runner<'a> {
        Runner { plans, snap, txn, interrupt, settings, params, env, values: RefCell::new(vec![None; plans.len()]) }
    }

    /// The context the statement itself evaluates in.
    pub fn eval_ctx(&self) -> EvalCtx<'_> {
        self.eval_with(&[])
    }

    fn eval_with<'b>(&'b self, outer: &'b [Value]) -> EvalCtx<'b> {
        EvalCtx { params: self.params, runtime: self, outer, opts: &self.settings.format, env: self.env }
    }

    /// The read context for rows evaluated with `eval`.
    pub fn ctx<'b>(&'b self, eval: &'b EvalCtx<'b>) -> Ctx<'b> {
        Ctx { snap: self.snap, txn: self.txn, eval, interrupt: self.interrupt, settings: Some(self.settings), work: &[] }
    }

    /// Every subquery's value, for a statement whose subqueries are all uncorrelated.
    pub fn all(&self) -> Result<Vec<Value>> {
        (0..self.plans.len()).map(|i| self.subquery(i, &[])).collect()
    }

    fn run(&self, plan: &SubQuery, outer: &[Value]) -> Result<Value> {
        let eval = self.eval_with(outer);
        let ctx = self.ctx(&eval);
        ctx.interrupt.check()?;
        let rows = run(&plan.rel, &ctx)?;
        fold(plan.kind, rows)
    }
}

impl Runtime for Runner<'_> {
    fn subquery(&self, index: usize, outer: &[Value]) -> Result<Value> {
        let plan = self.plans.get(index).ok_or_else(|| Error::internal(format!("no subquery {index}")))?;
        if plan.correlated {
            return self.run(plan, outer);
        }
        if let Some(v) = &self.values.borrow()[index] {
            return Ok(v.clone());
        }
        let v = self.run(plan, outer)?;
        self.values.borrow_mut()[index] = Some(v.clone());
        Ok(v)
    }

    fn catalog_call(&self, func: CatalogFn, args: &[Value]) -> Result<Value> {
        let eval = self.eval_ctx();
        super::pg_catalog::call(&self.ctx(&eval), func, args)
    }
}

/// A subquery's rows as its value: EXISTS's boolean, a list's array, or the single scalar.
fn fold(kind: SubqueryKind, mut rows: Rows) -> Result<Value> {
    Ok(match kind {
        SubqueryKind::Exists => Value::Bool(rows.next().transpose()?.is_some()),
        SubqueryKind::List => Value::Array(rows.map(|r| r.map(|mut r| r.swap_remove(0))).collect::<Result<_>>()?),
        SubqueryKind::Scalar => {
            let first = rows.next().transpose()?;
            if rows.next().transpose()?.is_some() {
                return Err(Error::new(sqlstate::CARDINALITY_VIOLATION, "more than one row returned by a subquery used as an expression"));
            }
            first.map_or(Value::Null, |mut r| r.swap_remove(0))
        }
    })
}
