//! SQL: parsing with sqlparser ([`parse`]), binding into typed plans ([`bind`], [`plan`]),
//! and the expressions and functions plans evaluate ([`expr`], [`functions`], [`like`],
//! [`regex`]).
//! Virtual catalog tables are `Rel::Virtual` scans, computed in `exec::pg_catalog`.

pub mod advisory;
pub mod array_functions;
pub mod bind;
pub mod catalog_functions;
pub mod expr;
pub mod functions;
pub mod like;
pub mod parse;
pub mod plan;
pub mod regex;
pub mod stack;
