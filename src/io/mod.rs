//! Transports and runtimes: io_uring (tokio-uring) and portable tokio. (Built by the wire protocol work.)
