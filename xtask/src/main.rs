//! `cargo xtask`: see README.md.

fn main() {
    eprintln!("xtask: not yet written");
    std::process::exit(2);
}
