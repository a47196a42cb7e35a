use clap::Parser;

fn main() -> std::process::ExitCode {
    // ES256 and RS256 JWTs verified by ring (see crypto::jws).
    civitas::crypto::jws::install_verifier();
    civitas::cli::Cli::parse().run()
}
