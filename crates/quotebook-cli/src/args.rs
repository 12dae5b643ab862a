//! A small argument parser: `--name value` options and `--flag` switches, nothing more,
//! with messages that say exactly what was wrong.

use std::collections::HashMap;

#[derive(Debug, Default)]
pub struct Args {
    values: HashMap<String, String>,
    flags: Vec<String>,
}

impl Args {
    pub fn parse(
        argv: impl Iterator<Item = String>,
        options: &[&str],
        flags: &[&str],
    ) -> Result<Args, String> {
        let mut args = Args::default();
        let mut argv = argv.peekable();
        while let Some(arg) = argv.next() {
            let (name, inline) = match arg.split_once('=') {
                Some((name, value)) if name.starts_with("--") => (name, Some(value.to_owned())),
                _ => (arg.as_str(), None),
            };
            if options.contains(&name) {
                let value = match inline {
                    Some(value) => value,
                    None => argv.next().ok_or_else(|| format!("{name} needs a value"))?,
                };
                if args.values.insert(name.to_owned(), value).is_some() {
                    return Err(format!("{name} was given twice"));
                }
            } else if flags.contains(&name) && inline.is_none() {
                args.flags.push(name.to_owned());
            } else {
                return Err(format!("unexpected argument {arg:?}"));
            }
        }
        Ok(args)
    }

    pub fn value(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    pub fn required(&self, name: &str) -> Result<&str, String> {
        self.value(name)
            .ok_or_else(|| format!("{name} is required"))
    }

    pub fn flag(&self, name: &str) -> bool {
        self.flags.iter().any(|f| f == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(words: &[&str]) -> Result<Args, String> {
        Args::parse(
            words.iter().map(|s| s.to_string()),
            &["--url"],
            &["--quote"],
        )
    }

    #[test]
    fn options_and_flags() {
        let args = parse(&["--url", "u", "--quote"]).unwrap();
        assert_eq!(args.value("--url"), Some("u"));
        assert!(args.flag("--quote"));
        assert_eq!(parse(&["--url=v"]).unwrap().value("--url"), Some("v"));
    }

    #[test]
    fn mistakes_are_named() {
        assert_eq!(parse(&["--url"]).unwrap_err(), "--url needs a value");
        assert_eq!(
            parse(&["--bogus"]).unwrap_err(),
            "unexpected argument \"--bogus\""
        );
        assert_eq!(
            parse(&["--url", "a", "--url", "b"]).unwrap_err(),
            "--url was given twice"
        );
    }
}
