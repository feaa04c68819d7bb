//! The playground's entry point.

fn main() {}
