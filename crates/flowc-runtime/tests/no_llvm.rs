//! The runtime links no LLVM / MLIR: nothing in its dependency closure (from the workspace's
//! Cargo.lock, which also counts dev- and build-dependencies, so this errs on the safe side) is
//! an LLVM or MLIR binding.

use std::collections::{BTreeMap, BTreeSet};

/// name -> dependency names, for every package of Cargo.lock (versions merged).
fn lock_graph(lock: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for block in lock.split("[[package]]").skip(1) {
        let mut name = None;
        let mut deps = BTreeSet::new();
        let mut in_deps = false;
        for line in block.lines().map(str::trim) {
            if let Some(n) = line.strip_prefix("name = ") {
                name = Some(n.trim_matches('"').to_string());
            } else if line.starts_with("dependencies = [") {
                in_deps = true;
            } else if in_deps && line == "]" {
                in_deps = false;
            } else if in_deps {
                let dep = line.trim_matches(|c| c == '"' || c == ',');
                deps.insert(dep.split(' ').next().unwrap_or(dep).to_string());
            }
        }
        if let Some(name) = name {
            graph.entry(name).or_default().extend(deps);
        }
    }
    graph
}

#[test]
fn no_llvm_in_the_dependency_closure() {
    let lock_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.lock");
    let lock = std::fs::read_to_string(lock_path).expect("the workspace's Cargo.lock");
    let graph = lock_graph(&lock);
    assert!(
        graph.contains_key("flowc-runtime"),
        "flowc-runtime is not in Cargo.lock"
    );
    let mut seen = BTreeSet::new();
    let mut stack = vec!["flowc-runtime".to_string()];
    while let Some(p) = stack.pop() {
        if seen.insert(p.clone()) {
            stack.extend(graph.get(&p).into_iter().flatten().cloned());
        }
    }
    assert!(
        seen.contains("libloading") && seen.contains("flowc-bundle"),
        "{seen:?}"
    );
    let forbidden: Vec<_> = seen
        .iter()
        .filter(|p| {
            p.contains("llvm") || p.contains("inkwell") || p.contains("mlir") || *p == "melior"
        })
        .collect();
    assert!(forbidden.is_empty(), "the runtime depends on {forbidden:?}");
    // The check itself sees LLVM where it is: the workspace does use it elsewhere.
    let mut llvm_users = graph.iter().filter(|(_, deps)| {
        deps.iter()
            .any(|d| d.contains("llvm") || d == "inkwell" || d == "melior")
    });
    assert!(
        llvm_users.next().is_some(),
        "no package of the workspace depends on LLVM bindings?"
    );
}
