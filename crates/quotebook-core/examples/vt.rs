use std::io::Read;
fn main() {
    let p = std::env::args().nth(1).unwrap();
    let f = std::fs::File::open(&p).unwrap();
    let mut b = Vec::new();
    if p.ends_with(".gz") {
        flate2::read::GzDecoder::new(f).read_to_end(&mut b).unwrap();
    } else {
        std::io::BufReader::new(f).read_to_end(&mut b).unwrap();
    }
    let h = String::from_utf8_lossy(&b);
    print!("{}", quotebook_html::page_text::visible_text(&h));
}
