//! The extended query protocol: Parse, Bind, Describe, Execute and Close.
//!
//! A [`Statement`] is the session's prepared form (or an empty query, or a DEALLOCATE the
//! protocol layer runs itself); a
//! [`Portal`] is a statement with decoded parameters and result formats. Execute runs the
//! statement once, keeps the remaining rows in the portal when a row limit stops it early
//! (PortalSuspended) and continues from there on the next Execute.

use super::connection::{before_statement, touches_settings, Connection};
use super::deallocate::Deallocate;
use super::encode;
use super::frame::violation;
use super::result::{command_complete, partial_tag, send_rows, Formats};
use super::session::SqlSession;
use super::wire::Wire;
use crate::error::{sqlstate, Error, Result};
use crate::exec::Column;
use crate::io::transport::Transport;
use crate::types::{binary, text, DataType, FormatOptions, Row, Value};
use bytes::Bytes;
use pgwire::messages::extendedquery::Bind;
use pgwire::messages::PgWireFrontendMessage as Msg;
use std::sync::Arc;

pub struct Statement<P> {
    body: Body<P>,
    given_types: Vec<DataType>,
}

enum Body<P> {
    Sql(P),
    /// An empty query string: Execute answers EmptyQueryResponse.
    Empty,
    Deallocate(Deallocate),
}

pub struct Portal<P> {
    statement: Arc<Statement<P>>,
    params: Vec<Value>,
    formats: Formats,
    state: PortalState,
}

enum PortalState {
    Ready,
    Running { columns: Vec<Column>, rows: std::vec::IntoIter<Row>, tag: String, suspended: bool },
}

impl<P> Statement<P> {
    fn param_types<S: SqlSession<Statement = P>>(&self) -> &[DataType] {
        match &self.body {
            Body::Sql(prepared) => S::param_types(prepared),
            _ => &self.given_types,
        }
    }

    fn columns<S: SqlSession<Statement = P>>(&self) -> Option<&[Column]> {
        match &self.body {
            Body::Sql(prepared) => S::columns(prepared),
            _ => None,
        }
    }
}

impl<S: SqlSession> Connection<S> {
    pub(super) async fn extended<T: Transport>(&mut self, wire: &mut Wire<T>, message: Msg) -> Result<()> {
        match message {
            Msg::Parse(p) => self.parse(&mut wire.out, p.name.unwrap_or_default(), &p.query, &p.type_oids),
            Msg::Bind(b) => self.bind(&mut wire.out, b),
            Msg::Describe(d) => self.describe(&mut wire.out, d.target_type, &d.name.unwrap_or_default()),
            Msg::Execute(e) => self.execute(wire, &e.name.unwrap_or_default(), e.max_rows).await,
            Msg::Close(c) => self.close(&mut wire.out, c.target_type, &c.name.unwrap_or_default()),
            other => Err(violation(format!("unexpected message {other:?}"))),
        }
    }

    fn parse(&mut self, out: &mut Vec<u8>, name: String, query: &str, oids: &[u32]) -> Result<()> {
        if !name.is_empty() && self.statements.contains_key(&name) {
            return Err(Error::new(sqlstate::DUPLICATE_PREPARED_STATEMENT, format!("prepared statement \"{name}\" already exists")));
        }
        let given_types = oids
            .iter()
            .map(|&oid| self.session.type_by_oid(oid)?.ok_or_else(|| Error::unsupported(format!("parameter type with OID {oid}"))))
            .collect::<Result<Vec<_>>>()?;
        let blank = query.trim_matches(|c: char| c.is_whitespace() || c == ';').is_empty();
        let body = match Deallocate::parse(query) {
            _ if blank => Body::Empty,
            Some(deallocate) => Body::Deallocate(deallocate),
            None => Body::Sql(self.session.prepare(query, &given_types)?),
        };
        self.statements.insert(name, Arc::new(Statement { body, given_types }));
        encode::empty(out, b'1');
        Ok(())
    }

    fn statement(&self, name: &str) -> Result<&Arc<Statement<S::Statement>>> {
        self.statements.get(name).ok_or_else(|| {
            let message = if name.is_empty() {
                "unnamed prepared statement does not exist".to_string()
            } else {
                format!("prepared statement \"{name}\" does not exist")
            };
            Error::new(sqlstate::INVALID_SQL_STATEMENT_NAME, message)
        })
    }

    fn portal(&mut self, name: &str) -> Result<&mut Portal<S::Statement>> {
        self.portals.get_mut(name).ok_or_else(|| Error::new(sqlstate::INVALID_CURSOR_NAME, format!("portal \"{name}\" does not exist")))
    }

    fn bind(&mut self, out: &mut Vec<u8>, bind: Bind) -> Result<()> {
        let statement_name = bind.statement_name.unwrap_or_default();
        let statement = self.statement(&statement_name)?.clone();
        let portal_name = bind.portal_name.unwrap_or_default();
        if !portal_name.is_empty() && self.portals.contains_key(&portal_name) {
            return Err(Error::new("42P03", format!("cursor \"{portal_name}\" already exists")));
        }
        let types = statement.param_types::<S>();
        if bind.parameters.len() != types.len() {
            return Err(violation(format!(
                "bind message supplies {} parameters, but prepared statement \"{statement_name}\" requires {}",
                bind.parameters.len(),
                types.len()
            )));
        }
        let params = decode_params(&bind.parameters, &bind.parameter_format_codes, types, self.session.format_options())?;
        let formats = Formats(bind.result_column_format_codes);
        let columns = statement.columns::<S>().map(|c| c.len());
        if let Some(columns) = columns.filter(|n| formats.0.len() > 1 && formats.0.len() != *n) {
            return Err(violation(format!("bind message has {} result formats but query has {columns} columns", formats.0.len())));
        }
        self.portals.insert(portal_name, Portal { statement, params, formats, state: PortalState::Ready });
        encode::empty(out, b'2');
        Ok(())
    }

    fn describe(&mut self, out: &mut Vec<u8>, target: u8, name: &str) -> Result<()> {
        match target {
            b'S' => {
                let statement = self.statement(name)?;
                let oids = statement.param_types::<S>().iter().map(|t| if *t == DataType::Unknown { DataType::Text.oid() } else { t.oid() });
                encode::parameter_description(out, oids);
                describe_rows(out, statement.columns::<S>(), &Formats::default());
            }
            b'P' => {
                let portal = self.portal(name)?;
                describe_rows(out, portal.statement.columns::<S>(), &portal.formats);
            }
            other => return Err(violation(format!("invalid DESCRIBE message subtype {other}"))),
        }
        Ok(())
    }

    async fn execute<T: Transport>(&mut self, wire: &mut Wire<T>, name: &str, max_rows: i32) -> Result<()> {
        self.portal(name)?;
        let portal = self.portals.get_mut(name).expect("checked above");
        if let PortalState::Ready = portal.state {
            let prepared = match &portal.statement.body {
                Body::Sql(prepared) => prepared,
                Body::Empty => {
                    encode::empty(&mut wire.out, b'I');
                    return Ok(());
                }
                Body::Deallocate(deallocate) => {
                    deallocate.apply(&mut self.statements)?;
                    encode::command_complete(&mut wire.out, deallocate.tag());
                    return Ok(());
                }
            };
            before_statement(&self.cancel);
            let mut result = self.session.execute(prepared, &portal.params)?;
            if let Some(durable) = result.durable.take() {
                durable.wait().await?;
            }
            self.settings_touched |= touches_settings(&result.tag);
            let columns = result.columns.unwrap_or_default();
            portal.state = PortalState::Running { columns, rows: result.rows.into_iter(), tag: result.tag, suspended: false };
        }
        let PortalState::Running { columns, rows, tag, suspended } = &mut portal.state else { unreachable!("portal started above") };
        let limit = if max_rows > 0 { max_rows as usize } else { usize::MAX };
        let sent = send_rows(wire, rows.by_ref().take(limit), columns, &portal.formats, self.session.format_options()).await?;
        // Like PostgreSQL, a portal that filled the row limit is suspended even when no rows
        // remain; the next Execute then completes it with zero rows.
        if sent == limit {
            *suspended = true;
            encode::empty(&mut wire.out, b's');
        } else if *suspended {
            command_complete(&mut wire.out, &partial_tag(tag, sent));
        } else {
            command_complete(&mut wire.out, tag);
            *suspended = true;
        }
        Ok(())
    }

    fn close(&mut self, out: &mut Vec<u8>, target: u8, name: &str) -> Result<()> {
        match target {
            b'S' => {
                if let Some(statement) = self.statements.remove(name) {
                    self.portals.retain(|_, p| !Arc::ptr_eq(&p.statement, &statement));
                }
            }
            b'P' => {
                self.portals.remove(name);
            }
            other => return Err(violation(format!("invalid CLOSE message subtype {other}"))),
        }
        encode::empty(out, b'3');
        Ok(())
    }
}

fn describe_rows(out: &mut Vec<u8>, columns: Option<&[Column]>, formats: &Formats) {
    match columns {
        Some(columns) => encode::row_description(out, columns, |i| formats.get(i)),
        None => encode::empty(out, b'n'),
    }
}

/// Decodes Bind parameters to the statement's types (unknown ones are read as text).
fn decode_params(params: &[Option<Bytes>], format_codes: &[i16], types: &[DataType], opts: &FormatOptions) -> Result<Vec<Value>> {
    if format_codes.len() > 1 && format_codes.len() != params.len() {
        return Err(violation(format!("bind message has {} parameter formats but {} parameters", format_codes.len(), params.len())));
    }
    let format = |i: usize| format_codes.get(if format_codes.len() == 1 { 0 } else { i }).copied().unwrap_or(0);
    params.iter().zip(types).enumerate().map(|(i, (bytes, ty))| decode_param(bytes.as_deref(), format(i), ty, opts)).collect()
}

fn decode_param(bytes: Option<&[u8]>, format: i16, ty: &DataType, opts: &FormatOptions) -> Result<Value> {
    let Some(bytes) = bytes else { return Ok(Value::Null) };
    let ty = if *ty == DataType::Unknown { &DataType::Text } else { ty };
    match format {
        0 => {
            let text = std::str::from_utf8(bytes).map_err(|_| Error::new("22021", "invalid byte sequence for encoding \"UTF8\""))?;
            text::parse_value(text, ty, opts)
        }
        1 => binary::decode(bytes, ty),
        other => Err(violation(format!("unsupported format code: {other}"))),
    }
}
