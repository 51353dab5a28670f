//! The server: picks the IO backend, opens the store, accepts connections under a connection
//! limit and shuts down gracefully on SIGINT/SIGTERM. (CONTRACT STUB: the wire protocol work
//! implements it.)

use crate::config::Config;
use crate::error::Result;

/// Runs the server until SIGINT/SIGTERM; returns after a clean shutdown.
pub fn serve(_config: Config) -> Result<()> {
    todo!()
}
