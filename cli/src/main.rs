//! `kubesim`: the command-line shell around the kubesim library.

fn main() {
    println!("kubesim {}", env!("CARGO_PKG_VERSION"));
}
