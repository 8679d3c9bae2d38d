//! The pass registry: pass argument to [`PassInfo`].

use crate::{Pass, PassOptionInfo, PassOptions};
use std::collections::BTreeMap;

/// Everything the tools need to know about a registered pass before creating it.
#[derive(Clone, Debug)]
pub struct PassInfo {
    /// The command-line argument (`canonicalize`).
    pub argument: &'static str,
    /// A one-line summary for `--help`.
    pub summary: &'static str,
    /// The options the pass accepts, in the order `--help` and the pipeline printer list them.
    pub options: Vec<PassOptionInfo>,
    /// Creates the pass from its options. Unknown keys are rejected by the registry before this
    /// is called; the constructor reports bad values (`opts.get_usize(..)?`).
    pub create: fn(&PassOptions) -> Result<Box<dyn Pass>, String>,
}

impl PassInfo {
    pub fn new(
        argument: &'static str,
        summary: &'static str,
        create: fn(&PassOptions) -> Result<Box<dyn Pass>, String>,
    ) -> Self {
        PassInfo {
            argument,
            summary,
            options: Vec::new(),
            create,
        }
    }

    /// Declares an option.
    pub fn option(
        mut self,
        name: &'static str,
        description: &'static str,
        default: impl ToString,
    ) -> Self {
        self.options
            .push(PassOptionInfo::new(name, description, default));
        self
    }

    pub fn find_option(&self, name: &str) -> Option<&PassOptionInfo> {
        self.options.iter().find(|o| o.name == name)
    }

    /// Checks that every key of `options` is declared.
    pub fn check_options(&self, options: &PassOptions) -> Result<(), String> {
        for (key, _) in options.iter() {
            if self.find_option(key).is_none() {
                return Err(if self.options.is_empty() {
                    format!("pass '{}' takes no options, but got '{key}'", self.argument)
                } else {
                    let valid: Vec<&str> = self.options.iter().map(|o| o.name).collect();
                    format!(
                        "unknown option '{key}' for pass '{}'; valid options: {}",
                        self.argument,
                        valid.join(", ")
                    )
                });
            }
        }
        Ok(())
    }

    /// The options of a pass created from `options`: every declared option with its given value
    /// or its default, in declaration order (what the pipeline printer shows), followed by given
    /// options the pass does not declare (only possible for passes added without the registry).
    pub fn effective_options(&self, options: &PassOptions) -> PassOptions {
        let mut out = PassOptions::new();
        for o in &self.options {
            out.set(o.name, options.get(o.name).unwrap_or(&o.default));
        }
        for (k, v) in options.iter() {
            if self.find_option(k).is_none() {
                out.set(k, v);
            }
        }
        out
    }

    /// Validates the options and creates the pass.
    pub fn create_pass(&self, options: &PassOptions) -> Result<Box<dyn Pass>, String> {
        self.check_options(options)?;
        (self.create)(options).map_err(|e| format!("pass '{}': {e}", self.argument))
    }
}

/// Registered passes by argument.
#[derive(Clone, Debug, Default)]
pub struct PassRegistry {
    passes: BTreeMap<&'static str, PassInfo>,
}

impl PassRegistry {
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a pass. Registering an argument again replaces the earlier registration.
    pub fn register(&mut self, info: PassInfo) {
        self.passes.insert(info.argument, info);
    }

    pub fn lookup(&self, argument: &str) -> Option<&PassInfo> {
        self.passes.get(argument)
    }

    pub fn contains(&self, argument: &str) -> bool {
        self.passes.contains_key(argument)
    }

    /// Registered passes, sorted by argument.
    pub fn iter(&self) -> impl Iterator<Item = &PassInfo> {
        self.passes.values()
    }

    pub fn len(&self) -> usize {
        self.passes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.passes.is_empty()
    }

    /// Creates the pass `argument` from `options` (unknown passes and options are errors).
    pub fn create(&self, argument: &str, options: &PassOptions) -> Result<Box<dyn Pass>, String> {
        match self.lookup(argument) {
            Some(info) => info.create_pass(options),
            None => Err(self.unknown_pass_message(argument)),
        }
    }

    /// `unknown pass 'cse2'; did you mean 'cse'?`
    pub fn unknown_pass_message(&self, argument: &str) -> String {
        let mut msg = format!("unknown pass '{argument}'");
        if let Some(s) = self.suggest(argument) {
            msg.push_str(&format!("; did you mean '{s}'?"));
        }
        msg
    }

    /// The registered argument closest to `argument`, if close enough to be a likely typo.
    pub fn suggest(&self, argument: &str) -> Option<&'static str> {
        let limit = (argument.chars().count() / 3).clamp(1, 3);
        self.passes
            .keys()
            .map(|k| (edit_distance(k, argument), *k))
            .filter(|(d, _)| *d <= limit)
            .min()
            .map(|(_, k)| k)
    }
}

/// Levenshtein distance over chars.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}
