use clap::Parser;

fn main() -> std::process::ExitCode {
    civitas::cli::Cli::parse().run()
}
