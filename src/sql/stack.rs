//! The stack depth guard. Nested SQL (long operator chains, many UNION arms, nested
//! subqueries) is bound by recursion, one call per level, and a stack overflow aborts the whole
//! server. Like PostgreSQL's `check_stack_depth`, binding stops with 54001 `stack depth limit
//! exceeded` once a statement has used [`MAX_DEPTH`] bytes of its thread's stack: the base is
//! the stack address where a worker thread started serving (`io::acceptor` makes its stacks
//! much larger than that, so running a plan that bound fits too). Threads that never marked
//! a base (tests, tools) are not checked.

use crate::error::{sqlstate, Error, Result};
use std::cell::Cell;

/// Stack a statement may use while it is bound.
pub const MAX_DEPTH: usize = 64 << 20;

thread_local! {
    static BASE: Cell<usize> = const { Cell::new(0) };
}

fn here() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

/// Records the current stack address as this thread's base.
pub fn mark_base() {
    BASE.set(here());
}

/// 54001 when this thread has used more than [`MAX_DEPTH`] of stack since its base.
pub fn check() -> Result<()> {
    let base = BASE.get();
    if base != 0 && base.abs_diff(here()) > MAX_DEPTH {
        return Err(too_deep());
    }
    Ok(())
}

/// PostgreSQL's 54001 for a statement nested too deeply.
pub fn too_deep() -> Error {
    Error::new(sqlstate::STATEMENT_TOO_COMPLEX, "stack depth limit exceeded")
        .with_hint(format!("The statement nests too deeply; this server binds up to {} MB of stack.", MAX_DEPTH >> 20))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nest(depth: usize) -> Result<usize> {
        check()?;
        let pad = std::hint::black_box([0u8; 4096]);
        Ok(if depth == 0 { pad[0] as usize } else { nest(depth - 1)? + pad[1] as usize })
    }

    #[test]
    fn deep_recursion_stops_with_54001_on_a_marked_thread_only() {
        let marked = std::thread::Builder::new().stack_size(MAX_DEPTH * 2).spawn(|| {
            mark_base();
            (nest(100).is_ok(), nest(100_000).map_err(|e| e.code))
        });
        assert_eq!(marked.unwrap().join().unwrap(), (true, Err(sqlstate::STATEMENT_TOO_COMPLEX)));
        assert!(check().is_ok(), "an unmarked thread is not checked");
    }
}
