//! `cargo xtask`: installs what is missing, then serves, tests or builds the site.

fn main() {
    eprintln!("usage: cargo xtask serve|test|dist");
    std::process::exit(2);
}
