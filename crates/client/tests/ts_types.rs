//! The UI's TypeScript types are generated from the Rust types the app's
//! commands take and return. This test fails when the committed file
//! (ui/src/lib/types.gen.ts) no longer matches; regenerate it with
//! `XUNCHA_BLESS=1 cargo test -p xuncha-client --test ts_types`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_debug_implementations
)]

use std::any::TypeId;
use std::collections::{BTreeMap, HashSet};
use ts_rs::{Config, TS, TypeVisitor};
use xuncha_client::app::{
    AppError, AppStatus, CentreCard, CentreDetail, EnrolRequest, FixInput, InspectionView, Language, SyncPanel,
};
use xuncha_core::document::Answer;

const HEADER: &str = "// DO NOT EDIT. Generated from the Rust types by crates/client/tests/ts_types.rs;\n\
// regenerate with `XUNCHA_BLESS=1 cargo test -p xuncha-client --test ts_types`.\n";

struct Collect<'a> {
    cfg: &'a Config,
    seen: HashSet<TypeId>,
    decls: BTreeMap<String, String>,
}

impl TypeVisitor for Collect<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        // Primitives and containers have no declaration of their own.
        if T::output_path().is_none() || !self.seen.insert(TypeId::of::<T>()) {
            return;
        }
        let docs = T::docs().unwrap_or_default();
        self.decls.insert(T::ident(self.cfg), format!("{docs}export {}", T::decl(self.cfg)));
        T::visit_dependencies(self);
    }
}

fn generate() -> String {
    // Timestamps (ms) and counts stay far below 2^53: plain numbers in JSON.
    let cfg = Config::new().with_large_int("number");
    let mut c = Collect { cfg: &cfg, seen: HashSet::new(), decls: BTreeMap::new() };
    c.visit::<AppError>();
    c.visit::<AppStatus>();
    c.visit::<xuncha_client::app::HandoffState>();
    c.visit::<xuncha_client::handoff::HandoffReport>();
    c.visit::<Language>();
    c.visit::<EnrolRequest>();
    c.visit::<CentreCard>();
    c.visit::<CentreDetail>();
    c.visit::<InspectionView>();
    c.visit::<Answer>();
    c.visit::<FixInput>();
    c.visit::<xuncha_client::RespondentInput>();
    c.visit::<SyncPanel>();
    let mut out = HEADER.to_owned();
    for decl in c.decls.values() {
        out.push('\n');
        out.push_str(decl.trim_end());
        out.push('\n');
    }
    out
}

#[test]
fn typescript_types_match_the_rust_types() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/lib/types.gen.ts");
    let fresh = generate();
    if std::env::var_os("XUNCHA_BLESS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "ui/src/lib/types.gen.ts is out of date with the Rust types; run \
         `XUNCHA_BLESS=1 cargo test -p xuncha-client --test ts_types` and commit the result"
    );
}
