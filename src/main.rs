//! The `tarikh` binary: a thin shell over [`tarikh::cli::main`].

fn main() -> std::process::ExitCode {
    tarikh::cli::main()
}
