//! One component per file, each with its `Props`.

pub mod cluster_view;
pub mod console;
pub mod producer_panel;
