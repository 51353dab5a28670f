//! The PostgreSQL v3 wire protocol. (Built by the wire protocol work.)
