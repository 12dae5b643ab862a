//! Images end to end on the command line: `clip --image` keeps the bytes in the backup,
//! `export` and `sync` write them as attachments the notes embed, and never over another
//! file.

use std::fs;
use std::io::Read;

use quotebook_core::library::Library;
use quotebook_core::sync::hash::hash;

mod common;
use common::{Temp, run};

/// A PNG of `w`×`h` as far as the sniffer reads it, `len` bytes long.
fn png(w: u32, h: u32, len: usize) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    b.extend(w.to_be_bytes());
    b.extend(h.to_be_bytes());
    b.extend([8, 6, 0, 0, 0]);
    b.extend((0..len.saturating_sub(b.len())).map(|i| i as u8));
    b
}

/// Clips `file` as an image into `t`'s backup.json; returns the command's stdout.
fn clip_image(t: &Temp, file: &str, extra: &[&str]) -> (bool, String, String) {
    let backup = t.s("backup.json");
    let mut args = vec![
        "clip",
        "--url",
        "https://a.example/post",
        "--title",
        "A post",
        "--image",
        file,
        "--library",
        &backup,
        "--now",
        "2024-06-05T12:00:00.000Z",
    ];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn clip_image_keeps_the_bytes_and_export_writes_them_beside_the_notes() {
    let t = Temp::new("images-export");
    let bytes = png(320, 200, 4000);
    // A PNG named .jpg: the bytes decide.
    fs::write(t.path("Diagram.jpg"), &bytes).unwrap();
    let (ok, out, err) = clip_image(
        &t,
        &t.s("Diagram.jpg"),
        &[
            "--alt",
            "The flow",
            "--caption",
            "Figure 1",
            "--tags",
            "figs",
        ],
    );
    assert!(ok, "{err}");
    // Printed alone, the note has no folder for the image: its alt text stands in.
    assert!(out.contains("> The flow\n>\n> Figure 1"), "{out}");
    let library = Library::from_json(&fs::read_to_string(t.path("backup.json")).unwrap()).unwrap();
    let image = &library.notes[0].quotes[0].images[0];
    assert_eq!(image.mime.as_deref(), Some("image/png"));
    assert_eq!(image.hash.as_deref(), Some(hash(&bytes).as_str()));
    assert_eq!(image.caption, "Figure 1");
    assert_eq!(library.image(&hash(&bytes)).unwrap().bytes, bytes);

    let name = format!("Diagram-{}.png", &hash(&bytes)[..8]);
    // To a zip: the note embeds the file the zip holds.
    let zip_path = t.s("out.zip");
    let (ok, out, err) = run(&["export", "--from", &t.s("backup.json"), "--to", &zip_path]);
    assert!(ok, "{err}");
    assert!(out.contains("exported 1 notes and 1 image"), "{out}");
    let mut zip = zip::ZipArchive::new(fs::File::open(&zip_path).unwrap()).unwrap();
    let mut kept = Vec::new();
    zip.by_name(&format!("attachments/{name}"))
        .unwrap()
        .read_to_end(&mut kept)
        .unwrap();
    assert_eq!(kept, bytes);
    let mut note = String::new();
    zip.by_name("A post.md")
        .unwrap()
        .read_to_string(&mut note)
        .unwrap();
    assert!(
        note.contains(&format!("> ![[{name}]]\n>\n> Figure 1")),
        "{note}"
    );

    // To a folder, CommonMark, notes in a folder of their own: the embed climbs out.
    let dir = t.s("folder");
    let (ok, out, err) = run(&[
        "export",
        "--from",
        &t.s("backup.json"),
        "--to",
        &dir,
        "--pattern",
        "{site}/{title}.md",
        "--embed",
        "commonmark",
    ]);
    assert!(ok, "{err}");
    assert!(out.contains("exported 1 notes and 1 image"), "{out}");
    assert_eq!(
        fs::read(t.path(&format!("folder/attachments/{name}"))).unwrap(),
        bytes
    );
    let note = fs::read_to_string(t.path("folder/a.example/A post.md")).unwrap();
    assert!(
        note.contains(&format!("![The flow](../attachments/{name})")),
        "{note}"
    );

    // Images linked: no attachment, and the data image leaves its alt text.
    let (ok, out, _) = run(&[
        "export",
        "--from",
        &t.s("backup.json"),
        "--to",
        &t.s("linked.zip"),
        "--images",
        "link",
    ]);
    assert!(ok);
    assert!(out.contains("exported 1 notes to"), "{out}");
}

#[test]
fn sync_writes_attachments_once_and_never_over_another_file() {
    let t = Temp::new("images-sync");
    let bytes = png(64, 64, 2000);
    fs::write(t.path("cat.png"), &bytes).unwrap();
    let (ok, _, err) = clip_image(
        &t,
        &t.s("cat.png"),
        &["--src", "https://cdn.a.example/cat.png"],
    );
    assert!(ok, "{err}");
    let name = format!("attachments/cat-{}.png", &hash(&bytes)[..8]);
    fs::create_dir(t.path("vault")).unwrap();
    let vault = t.s("vault");
    let sync = |extra: &[&str]| {
        let mut args = vec!["sync", "--from", "", "--to", &vault];
        let backup = t.s("backup.json");
        args[2] = &backup;
        args.extend_from_slice(extra);
        let (ok, out, err) = run(&args);
        assert!(ok, "{err}");
        out
    };
    let out = sync(&[]);
    assert!(out.contains(&format!("attached  {name}")), "{out}");
    assert_eq!(fs::read(t.path(&format!("vault/{name}"))).unwrap(), bytes);
    let note = fs::read_to_string(t.path("vault/A post.md")).unwrap();
    assert!(
        note.contains(&format!("![[cat-{}.png]]", &hash(&bytes)[..8])),
        "{note}"
    );
    // Again: nothing to write.
    let out = sync(&[]);
    assert!(!out.contains("attached"), "{out}");

    // Another machine's vault where a different file already has the name: left alone.
    let other = t.path("other");
    fs::create_dir_all(other.join("attachments")).unwrap();
    fs::write(other.join(&name), b"the reader's own file").unwrap();
    let (ok, out, err) = run(&[
        "sync",
        "--from",
        &t.s("backup.json"),
        "--to",
        other.to_str().unwrap(),
    ]);
    assert!(ok, "{err}");
    assert!(
        out.contains(&format!("skipped   {name}: another file is there")),
        "{out}"
    );
    assert_eq!(
        fs::read(other.join(&name)).unwrap(),
        b"the reader's own file"
    );

    // Linked: the note points at the image's own address.
    let linked = t.path("linked");
    fs::create_dir(&linked).unwrap();
    let (ok, _, err) = run(&[
        "sync",
        "--from",
        &t.s("backup.json"),
        "--to",
        linked.to_str().unwrap(),
        "--images",
        "link",
    ]);
    assert!(ok, "{err}");
    let note = fs::read_to_string(linked.join("A post.md")).unwrap();
    assert!(note.contains("](https://cdn.a.example/cat.png)"), "{note}");
    assert!(!linked.join("attachments").exists());
}

#[test]
fn clip_image_refuses_what_is_not_an_image_kept() {
    let t = Temp::new("images-refused");
    fs::write(t.path("fake.png"), b"404 Not Found\n").unwrap();
    let (ok, _, err) = clip_image(&t, &t.s("fake.png"), &[]);
    assert!(!ok);
    assert!(err.contains("not an image Quotebook keeps (text)"), "{err}");
    fs::write(
        t.path("evil.svg"),
        br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#,
    )
    .unwrap();
    let (ok, _, err) = clip_image(&t, &t.s("evil.svg"), &[]);
    assert!(!ok);
    assert!(err.contains("SVG"), "{err}");
    fs::write(t.path("pixel.gif"), b"GIF89a\x01\0\x01\0\0\0\0;").unwrap();
    let (ok, _, err) = clip_image(&t, &t.s("pixel.gif"), &[]);
    assert!(!ok);
    assert!(err.contains("tracking pixel"), "{err}");
    // Over 10 MB: refused with the size.
    let mut big = png(4000, 4000, 0);
    big.resize(60 * 1024 * 1024, 0);
    fs::write(t.path("big.png"), &big).unwrap();
    let (ok, _, err) = clip_image(&t, &t.s("big.png"), &[]);
    assert!(!ok);
    assert!(err.contains("60.0 MB") && err.contains("10.0 MB"), "{err}");
    assert!(!t.path("backup.json").exists(), "nothing saved");
}

#[test]
fn a_selections_data_images_go_into_the_backup_as_kept_images() {
    use base64::Engine;
    let t = Temp::new("images-data");
    let bytes = png(200, 100, 300 * 1024);
    let html = format!(
        "<p>Twenty characters. <img alt=\"plot\" src=\"data:image/png;base64,{}\"></p>",
        base64::engine::general_purpose::STANDARD.encode(&bytes)
    );
    fs::write(t.path("selection.html"), html).unwrap();
    let (ok, _, err) = run(&[
        "clip",
        "--url",
        "https://a.example/post",
        "--html-file",
        &t.s("selection.html"),
        "--library",
        &t.s("backup.json"),
    ]);
    assert!(ok, "{err}");
    let text = fs::read_to_string(t.path("backup.json")).unwrap();
    let library = Library::from_json(&text).unwrap();
    let note_line = Library::note_lines(&text).unwrap()[0];
    assert!(
        note_line.len() < 2048,
        "the note takes {} bytes",
        note_line.len()
    );
    assert_eq!(library.image(&hash(&bytes)).unwrap().bytes, bytes);
    let dir = t.s("out");
    let (ok, _, err) = run(&["export", "--from", &t.s("backup.json"), "--to", &dir]);
    assert!(ok, "{err}");
    let written: Vec<_> = fs::read_dir(t.path("out/attachments"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(written.len(), 1, "{written:?}");
    assert!(
        written[0].ends_with(&format!("-{}.png", &hash(&bytes)[..8])),
        "{written:?}"
    );
    assert_eq!(
        fs::read(t.path("out/attachments").join(&written[0])).unwrap(),
        bytes
    );
}
