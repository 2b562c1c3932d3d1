//! `xuncha-server`: the command line lives in the library (`cli`), so the
//! integration tests run the very same program.

/// mimalloc: a sync round makes a few thousand small allocations, and
/// glibc's allocator took about a tenth of a round's processor time in a
/// profile (docs/server.md, "Load").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    xuncha_server::cli::main()
}
