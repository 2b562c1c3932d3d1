//! The server's command line, as a binary of this package, so integration
//! tests can run it as a separate process (and kill it).

fn main() -> std::process::ExitCode {
    xuncha_server::cli::main()
}
