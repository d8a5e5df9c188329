//! The object streams against real repositories made with the `git` CLI: every object must
//! stream byte-identical to what `git cat-file` prints, whatever way git stored it.

use super::pack::{EntryKind, parse_entry_header};
use super::*;
use crate::source::history::test_repo::{PackedObject, TestRepo, git, text_lines};
use std::collections::HashMap;

/// Streams every object `git cat-file --batch-all-objects` knows from `objects` and compares.
fn assert_all_objects_stream_identically(repo: &TestRepo, streams: &ObjectStreams) -> usize {
    let objects = repo.all_objects();
    assert!(!objects.is_empty());
    for (id, (kind, bytes)) in &objects {
        let oid = Oid::from_str(id).expect("oid");
        let object = streams
            .open_object(oid)
            .unwrap_or_else(|e| panic!("{id}: {e}"))
            .unwrap_or_else(|| panic!("{id} not located"));
        assert_eq!(object.kind.to_string(), *kind, "{id}");
        assert_eq!(object.size, bytes.len() as u64, "{id}");
        let mut read = Vec::new();
        let mut reader = object.reader;
        reader
            .read_to_end(&mut read)
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        assert!(read == *bytes, "{id} ({kind}) differs from git cat-file");
    }
    objects.len()
}

/// A repository whose `big.txt` grew in many commits: after a deep repack its versions form
/// long delta chains (git deltas each version against a bigger one, and each is bigger than the
/// last).
fn repo_with_versions(versions: usize) -> TestRepo {
    let repo = TestRepo::new();
    for version in 0..versions {
        repo.write("big.txt", &text_lines(3000 + 40 * version, version + 1));
        repo.write(
            &format!("small-{}.txt", version % 3),
            format!("v{version}\n").as_bytes(),
        );
        repo.commit(&format!("version {version}"));
    }
    repo
}

/// Entry kinds of the pack's objects, by id, read from the pack itself (verify-pack does not
/// say whether a delta names its base by offset or by id).
fn entry_kinds(repo: &TestRepo) -> HashMap<String, EntryKind> {
    let pack = std::fs::read(repo.pack()).expect("pack");
    repo.verify_pack()
        .into_iter()
        .map(|object| {
            let at = object.offset as usize;
            let entry = parse_entry_header(&pack[at..(at + 32).min(pack.len())], object.offset)
                .expect("entry header");
            (object.id, entry.kind)
        })
        .collect()
}

fn streams_of(repo: &TestRepo) -> ObjectStreams {
    ObjectStreams::open(&repo.objects()).expect("object dirs")
}

#[test]
fn loose_objects_stream_identically() {
    let repo = repo_with_versions(3);
    assert!(repo.has_no_pack());
    let count = assert_all_objects_stream_identically(&repo, &streams_of(&repo));
    assert!(count >= 3 * 3, "{count}");
}

#[test]
fn ofs_delta_chains_stream_identically() {
    let repo = repo_with_versions(12);
    repo.git(&["repack", "-adf", "-q", "--depth=50", "--window=50"]);
    let deepest = repo.verify_pack().iter().map(|o| o.depth).max();
    assert!(deepest.is_some_and(|d| d >= 5), "{deepest:?}");
    let kinds = entry_kinds(&repo);
    assert!(
        kinds
            .values()
            .any(|k| matches!(k, EntryKind::OfsDelta { .. }))
    );
    assert!(
        !kinds
            .values()
            .any(|k| matches!(k, EntryKind::RefDelta { .. }))
    );
    assert_all_objects_stream_identically(&repo, &streams_of(&repo));
}

#[test]
fn ref_delta_chains_stream_identically() {
    let repo = repo_with_versions(12);
    repo.git(&[
        "-c",
        "repack.useDeltaBaseOffset=false",
        "repack",
        "-adf",
        "-q",
        "--depth=50",
        "--window=50",
    ]);
    let kinds = entry_kinds(&repo);
    assert!(
        kinds
            .values()
            .any(|k| matches!(k, EntryKind::RefDelta { .. }))
    );
    assert!(
        !kinds
            .values()
            .any(|k| matches!(k, EntryKind::OfsDelta { .. }))
    );
    assert_all_objects_stream_identically(&repo, &streams_of(&repo));
}

#[test]
fn version_1_indexes_and_large_offset_tables_are_read() {
    let repo = repo_with_versions(6);
    repo.git(&["repack", "-adf", "-q"]);
    let pack = repo.pack();
    let idx = pack.with_extension("idx");
    let pack_arg = pack.to_str().expect("utf-8");
    for version in ["1", "2,64"] {
        std::fs::remove_file(&idx).expect("rm idx");
        repo.git(&[
            "index-pack",
            &format!("--index-version={version}"),
            pack_arg,
        ]);
        let head = std::fs::read(&idx).expect("idx");
        assert_eq!(head.starts_with(b"\xfftOc"), version != "1", "{version}");
        assert_all_objects_stream_identically(&repo, &streams_of(&repo));
    }
}

#[test]
fn alternates_absolute_and_relative_are_searched() {
    let source = repo_with_versions(4);
    source.git(&["repack", "-adf", "-q"]);
    let clone = source.tmp.path().join("clone");
    git(
        source.tmp.path(),
        &[
            "clone",
            "-q",
            "--shared",
            source.dir.to_str().expect("utf-8"),
            "clone",
        ],
    );
    let clone = TestRepo {
        tmp: tempfile::TempDir::new().expect("temp dir"),
        dir: clone,
    };
    clone.git(&["config", "user.name", "Ada"]);
    clone.git(&["config", "user.email", "ada@example.com"]);
    clone.write("new.txt", b"only in the clone\n");
    clone.commit("clone commit");
    assert_all_objects_stream_identically(&clone, &streams_of(&clone));

    // The same alternate, as a path relative to the clone's object directory.
    std::fs::write(
        clone.objects().join("info/alternates"),
        "# a comment\n\n../../../repo/.git/objects\n",
    )
    .expect("write alternates");
    assert_all_objects_stream_identically(&clone, &streams_of(&clone));
}

#[test]
fn a_linked_worktree_reads_the_main_object_directory() {
    let repo = repo_with_versions(2);
    let linked = repo.tmp.path().join("linked");
    repo.git(&[
        "worktree",
        "add",
        "-q",
        linked.to_str().expect("utf-8"),
        "-b",
        "side",
    ]);
    let worktree = Repository::open(&linked).expect("open worktree");
    let streams = ObjectStreams::for_repository(&worktree).expect("object dirs");
    assert_all_objects_stream_identically(&repo, &streams);
}

#[test]
fn unknown_objects_are_not_located_and_non_blobs_are_refused() {
    let repo = repo_with_versions(1);
    let streams = streams_of(&repo);
    let unknown = Oid::from_str("0123456789abcdef0123456789abcdef01234567").expect("oid");
    assert!(streams.open_blob(unknown).expect("no error").is_none());
    let tree = Oid::from_str(&repo.git(&["rev-parse", "HEAD^{tree}"])).expect("oid");
    let Err(error) = streams.open_blob(tree) else {
        panic!("a tree opened as a blob");
    };
    assert!(
        error.to_string().contains("expected a blob, found a tree"),
        "{error}"
    );
}

/// Flips bytes in the middle of the compressed data of `object`'s pack entry.
fn corrupt_entry(repo: &TestRepo, object: &PackedObject) {
    let path = repo.pack();
    let mut pack = std::fs::read(&path).expect("pack");
    let middle = (object.offset + object.size_in_pack / 2) as usize;
    for byte in &mut pack[middle - 2..middle + 2] {
        *byte ^= 0x5a;
    }
    std::fs::write(&path, pack).expect("write pack");
}

/// Streams blob `id` to its end; the first error met.
fn stream_blob(streams: &ObjectStreams, id: &str) -> io::Result<u64> {
    let id = Oid::from_str(id).expect("oid");
    let (_, mut reader) = streams.open_blob(id)?.expect("located");
    io::copy(&mut reader, &mut io::sink())
}

#[test]
fn corrupt_pack_data_is_an_error_naming_the_pack_and_entry() {
    // A whole blob, and a delta at the top of a chain (its base left intact), each corrupted in
    // a repository of its own.
    let pick_whole = |o: &&PackedObject| o.kind == "blob" && o.depth == 0 && o.size_in_pack > 200;
    let pick_delta = |o: &&PackedObject| o.kind == "blob" && o.depth > 0 && o.size_in_pack > 40;
    let picks: [&dyn Fn(&&PackedObject) -> bool; 2] = [&pick_whole, &pick_delta];
    for pick in picks {
        let repo = repo_with_versions(8);
        repo.git(&["repack", "-adf", "-q", "--depth=50", "--window=50"]);
        let objects = repo.verify_pack();
        let target = objects
            .iter()
            .filter(pick)
            .max_by_key(|o| o.size_in_pack)
            .expect("a target");
        stream_blob(&streams_of(&repo), &target.id).expect("reads before corruption");
        corrupt_entry(&repo, target);
        let error = stream_blob(&streams_of(&repo), &target.id).expect_err("corrupt data");
        let message = error.to_string();
        assert!(message.contains("pack-"), "{message}");
        assert!(
            message.contains(&format!("entry at offset {}:", target.offset)),
            "{message}"
        );
    }
}
