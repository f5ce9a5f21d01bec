//! `flaglint remove` on a copy of the demo repository: the change it writes, what `check` says
//! afterwards, and what it refuses to do.

mod common;

use std::path::Path;

use common::{demo_copy, flaglint};

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap_or_default()
}

#[test]
fn removing_a_flag_leaves_no_finding_about_it() {
    let (_dir, root) = demo_copy();
    let output = flaglint(&["remove", "binary_interface", "--keep", "on"], &root);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    // The fork keeps its new path; the local and the import go.
    let views = read(&root, "backend/users/views.py");
    assert!(
        views.contains("def invoke(request, invoker):\n    return \"binary\"\n\n"),
        "{views}"
    );
    assert!(!views.contains("BINARY_INTERFACE"), "{views}");
    // Definitions on both sides, and the constant's use in a list of its own file.
    assert!(!read(&root, "backend/feature_flags/flags.py").contains("BINARY_INTERFACE"));
    assert!(!read(&root, "frontend/hooks/useFeatureFlags/types.ts").contains("BINARY_INTERFACE"));
    // The test override goes; the migration creating the row spells the value.
    assert!(!read(&root, "backend/users/tests/test_views.py").contains("BINARY_INTERFACE"));
    let creating = read(&root, "backend/users/migrations/0071_auto_20220811_2128.py");
    assert!(
        creating.contains("[\"binary_interface\", flags.SECRET_ROTATION"),
        "{creating}"
    );
    // A new migration deletes the row after the app's latest one, and can recreate it.
    let deleting = read(
        &root,
        "backend/users/migrations/0073_delete_binary_interface_flag.py",
    );
    assert!(
        deleting.contains("(\"users\", \"0072_auto_20220817_1744\")"),
        "{deleting}"
    );
    assert!(
        deleting.contains("RunPython(delete_flag, restore_flag)"),
        "{deleting}"
    );
    // The unparsable file still imports the constant: said, not silently broken.
    assert!(
        stderr.contains("backend/workflows/broken.py:1: still uses `BINARY_INTERFACE`"),
        "{stderr}"
    );

    let check = flaglint(&["check", "--format", "concise"], &root);
    let findings = String::from_utf8_lossy(&check.stdout);
    let about_it: Vec<&str> = findings
        .lines()
        .filter(|l| l.to_lowercase().contains("binary_interface") && !l.contains("parse-error"))
        .collect();
    assert!(about_it.is_empty(), "{about_it:#?}");
}

#[test]
fn dry_run_prints_the_diff_and_writes_nothing() {
    let (_dir, root) = demo_copy();
    let before = read(&root, "backend/users/views.py");
    let output = flaglint(
        &[
            "remove",
            "binary_interface",
            "--keep",
            "off",
            "--step",
            "1",
            "--dry-run",
            "--diff",
        ],
        &root,
    );
    assert_eq!(output.status.code(), Some(0));
    let diff = String::from_utf8_lossy(&output.stdout);
    assert!(
        diff.contains("--- a/backend/users/views.py\n+++ b/backend/users/views.py"),
        "{diff}"
    );
    assert!(
        diff.contains("-    if use_binary:\n-        return \"binary\"\n"),
        "{diff}"
    );
    // Step 1 leaves the definitions.
    assert!(!diff.contains("flags.py"), "{diff}");
    assert_eq!(read(&root, "backend/users/views.py"), before);
    assert!(!root
        .join("backend/users/migrations/0073_delete_binary_interface_flag.py")
        .exists());
}

#[test]
fn refusals_are_explained() {
    let (_dir, root) = demo_copy();
    let unknown = flaglint(&["remove", "binary_interfac", "--keep", "on"], &root);
    assert_eq!(unknown.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        stderr.contains("did you mean `binary_interface`?"),
        "{stderr}"
    );
    let no_state = flaglint(&["remove", "binary_interface"], &root);
    assert_eq!(no_state.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&no_state.stderr);
    assert!(stderr.contains("--keep on|off"), "{stderr}");
    let early = flaglint(&["remove", "binary_interface", "--step", "2"], &root);
    assert_eq!(early.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&early.stderr);
    assert!(stderr.contains("run step 1 first"), "{stderr}");
}
