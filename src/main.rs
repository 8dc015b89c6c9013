//! The `mdrsim` binary: parse the command line, dispatch, map errors to exit codes.

#![forbid(unsafe_code)]

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
