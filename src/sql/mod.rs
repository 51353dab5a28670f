//! SQL: parsing with sqlparser ([`parse`]), binding into typed plans ([`bind`], [`plan`]),
//! the expressions and functions plans evaluate ([`expr`], [`functions`], [`like`]) and
//! virtual catalog tables ([`virtual_tables`]).

pub mod bind;
pub mod expr;
pub mod functions;
pub mod like;
pub mod parse;
pub mod plan;
pub mod virtual_tables;
