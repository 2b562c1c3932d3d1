//! `xuncha-server`: the command line lives in the library (`cli`), so the
//! integration tests run the very same program.

fn main() -> std::process::ExitCode {
    xuncha_server::cli::main()
}
