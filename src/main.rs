//! The `mdrsim` binary: parse the command line, dispatch, map errors to exit codes.

#![forbid(unsafe_code)]

mod cli;

/// The simulator allocates many small, short-lived values (events, payload strings,
/// result rows) on every thread; mimalloc's thread-local heaps cut the time glibc's
/// allocator took (about a third of a profiled `eval`) and its cross-thread contention.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
